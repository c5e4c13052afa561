"""Team-written vocabulary: brand names, drug classes and lay synonyms.

The store supplies most names (openFDA generic/brand/substance names, guideline conditions, MeSH
terms); this file adds what the sources do not carry: common US brands of generics whose labels in
the store are generic, the class words guidelines use ("skeletal muscle relaxants"), and the words
patients use for conditions.
"""

from __future__ import annotations

# brand (lower case) -> generic
BRANDS: dict[str, str] = {
    "lioresal": "baclofen", "gablofen": "baclofen", "ozobax": "baclofen", "fleqsuvy": "baclofen",
    "lyvispah": "baclofen",
    "flexeril": "cyclobenzaprine", "amrix": "cyclobenzaprine", "fexmid": "cyclobenzaprine",
    "soma": "carisoprodol", "zanaflex": "tizanidine", "skelaxin": "metaxalone",
    "robaxin": "methocarbamol", "valium": "diazepam", "diastat": "diazepam",
    "neurontin": "gabapentin", "gralise": "gabapentin", "horizant": "gabapentin enacarbil",
    "lyrica": "pregabalin", "cymbalta": "duloxetine", "advil": "ibuprofen", "motrin": "ibuprofen",
    "aleve": "naproxen", "naprosyn": "naproxen", "anaprox": "naproxen", "tylenol": "acetaminophen",
    "paracetamol": "acetaminophen", "celebrex": "celecoxib", "mobic": "meloxicam",
    "ultram": "tramadol", "conzip": "tramadol", "xanax": "alprazolam", "ativan": "lorazepam",
    "coumadin": "warfarin", "jantoven": "warfarin", "eliquis": "apixaban", "xarelto": "rivaroxaban",
    "lipitor": "atorvastatin", "zocor": "simvastatin", "norvasc": "amlodipine",
    "glucophage": "metformin", "synthroid": "levothyroxine", "zoloft": "sertraline",
    "prozac": "fluoxetine", "lexapro": "escitalopram", "effexor": "venlafaxine",
    "wellbutrin": "bupropion", "desyrel": "trazodone", "ambien": "zolpidem",
    "seroquel": "quetiapine", "risperdal": "risperidone", "zyprexa": "olanzapine",
    "abilify": "aripiprazole", "lamictal": "lamotrigine", "keppra": "levetiracetam",
    "tegretol": "carbamazepine", "prilosec": "omeprazole", "nexium": "esomeprazole",
    "protonix": "pantoprazole", "zantac": "ranitidine", "zofran": "ondansetron",
    "deltasone": "prednisone", "medrol": "methylprednisolone", "decadron": "dexamethasone",
    "lasix": "furosemide", "zestril": "lisinopril", "prinivil": "lisinopril",
    "cozaar": "losartan", "diovan": "valsartan", "lopressor": "metoprolol", "toprol": "metoprolol",
    "plavix": "clopidogrel", "viagra": "sildenafil", "cialis": "tadalafil", "flomax": "tamsulosin",
    "proscar": "finasteride", "propecia": "finasteride", "singulair": "montelukast",
    "zyrtec": "cetirizine", "claritin": "loratadine", "benadryl": "diphenhydramine",
    "cipro": "ciprofloxacin", "levaquin": "levofloxacin", "zithromax": "azithromycin",
    "keflex": "cephalexin", "cleocin": "clindamycin", "flagyl": "metronidazole",
    "bactrim": "trimethoprim", "plaquenil": "hydroxychloroquine", "trexall": "methotrexate",
    "zyloprim": "allopurinol", "colcrys": "colchicine", "lantus": "insulin glargine",
    "victoza": "liraglutide", "ozempic": "semaglutide", "wegovy": "semaglutide",
    "jardiance": "empagliflozin", "januvia": "sitagliptin", "glucotrol": "glipizide",
    "spiriva": "tiotropium", "flovent": "fluticasone", "pulmicort": "budesonide",
    "ventolin": "albuterol", "proair": "albuterol", "oxycontin": "oxycodone",
    "vicodin": "hydrocodone", "norco": "hydrocodone", "mst continus": "morphine", "mst": "morphine",
    "ms contin": "morphine", "aspirin": "aspirin", "bayer": "aspirin",
}

# Everyday names of medicines, supplements, vaccines and other substances people ask about that the
# general name list lacks (they are also common English words, which that list drops, or its entry
# is a research term) -> the name medbrief uses for them. Combination brands map to the combination
# ("percocet" -> "oxycodone and acetaminophen"), which the lexicon reads as its first ingredient.
SUBSTANCES: dict[str, str] = {
    "marijuana": "cannabis", "marihuana": "cannabis", "cannabis": "cannabis",
    "vitamin b12": "cyanocobalamin", "vitamin b-12": "cyanocobalamin", "vit b12": "cyanocobalamin",
    "b12": "cyanocobalamin", "b-12": "cyanocobalamin", "cobalamin": "cyanocobalamin",
    "fish oil": "fish oil", "omega-3": "fish oil", "magnesium": "magnesium", "iron": "iron",
    "nicotine": "nicotine", "senna": "sennosides", "sennosides": "sennosides", "asa": "aspirin",
    "percocet": "oxycodone and acetaminophen", "endocet": "oxycodone and acetaminophen",
    "breo": "fluticasone and vilanterol", "botox": "onabotulinumtoxina",
    "botulinum toxin": "botulinum toxins", "testosterone": "testosterone",
    "shingles vaccine": "zoster vaccine", "zoster vaccine": "zoster vaccine",
    "herpes zoster vaccine": "zoster vaccine", "shingles shot": "zoster vaccine",
    "pneumococcal vaccine": "pneumococcal vaccine", "pneumococcal vaccines": "pneumococcal vaccine",
    "pneumonia vaccine": "pneumococcal vaccine", "pneumonia shot": "pneumococcal vaccine",
    "flu vaccine": "influenza vaccine", "flu shot": "influenza vaccine",
    "flu vaccination": "influenza vaccine", "influenza vaccine": "influenza vaccine",
    "influenza vaccination": "influenza vaccine", "tetanus shot": "tetanus vaccine",
    "tetanus vaccine": "tetanus vaccine", "tdap": "tetanus vaccine", "dtap": "tetanus vaccine",
    "hep b vaccine": "hepatitis b vaccine", "hepatitis b vaccine": "hepatitis b vaccine",
    "bcg vaccine": "bcg vaccine",
    # the general list maps Maalox to loperamide (Maalox Anti-Diarrheal); it is mainly the antacid
    "maalox": "aluminum hydroxide and magnesium hydroxide",
}

# class phrase (as guidelines write it) -> member generics
DRUG_CLASSES: dict[str, tuple[str, ...]] = {
    "skeletal muscle relaxants": (
        "baclofen", "cyclobenzaprine", "carisoprodol", "tizanidine", "metaxalone",
        "methocarbamol", "chlorzoxazone", "orphenadrine", "dantrolene",
    ),
    "nonsteroidal anti-inflammatory drugs": (
        "ibuprofen", "naproxen", "celecoxib", "meloxicam", "diclofenac", "aspirin", "ketorolac",
        "indomethacin", "etodolac", "nabumetone",
    ),
    "benzodiazepines": ("diazepam", "alprazolam", "lorazepam", "clonazepam", "temazepam"),
    "opioids": ("tramadol", "oxycodone", "hydrocodone", "morphine", "codeine", "tapentadol",
                "fentanyl", "hydromorphone", "methadone", "buprenorphine"),
    "gabapentinoids": ("gabapentin", "pregabalin"),
    "anticonvulsants": ("gabapentin", "pregabalin", "carbamazepine", "lamotrigine",
                        "levetiracetam", "topiramate"),
    "antidepressants": ("duloxetine", "amitriptyline", "venlafaxine", "nortriptyline",
                        "sertraline", "fluoxetine", "escitalopram"),
    "serotonin-norepinephrine reuptake inhibitors": ("duloxetine", "venlafaxine", "milnacipran"),
    "tricyclic antidepressants": ("amitriptyline", "nortriptyline", "imipramine"),
    "acetaminophen": ("acetaminophen",),
    "systemic corticosteroids": ("prednisone", "methylprednisolone", "dexamethasone"),
    "antispasticity agents": ("baclofen", "tizanidine", "dantrolene", "diazepam"),
    "beta blockers": ("metoprolol", "atenolol", "propranolol", "carvedilol", "bisoprolol",
                      "nadolol", "labetalol", "nebivolol"),
}

# Short forms guideline text uses for a class; searched together with the class phrase.
CLASS_ALIASES: dict[str, tuple[str, ...]] = {
    "skeletal muscle relaxants": ("skeletal muscle relaxant", "muscle relaxant", "muscle relaxants",
                                  "muscle relaxer", "muscle relaxers", "SMR", "SMRs"),
    "nonsteroidal anti-inflammatory drugs": ("NSAID", "NSAIDs", "anti-inflammatory"),
    "benzodiazepines": ("benzodiazepine",),
    "opioids": ("opioid", "opiate"),
    "gabapentinoids": ("gabapentinoid",),
    "anticonvulsants": ("anticonvulsant", "antiepileptic"),
    "antidepressants": ("antidepressant",),
    "serotonin-norepinephrine reuptake inhibitors": ("SNRI", "SNRIs"),
    "tricyclic antidepressants": ("tricyclic", "TCA", "TCAs"),
    "systemic corticosteroids": ("systemic steroids", "corticosteroid", "corticosteroids",
                                 "steroid", "steroids"),
    "antispasticity agents": ("antispasticity", "antispastic", "spasmolytic"),
    "beta blockers": ("beta blocker", "beta-blocker", "beta-blockers", "b-blocker", "b-blockers"),
}

# lay phrase -> canonical condition phrases (searched in guideline conditions / MeSH / text)
CONDITION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "back pain": ("low back pain", "back pain", "lumbar pain", "backache"),
    "lower back pain": ("low back pain", "back pain"),
    "low back pain": ("low back pain", "back pain"),
    "backache": ("low back pain", "back pain"),
    "lumbago": ("low back pain", "back pain"),
    "sciatica": ("sciatica", "low back pain", "radiculopathy"),
    "neck pain": ("neck pain", "cervical pain"),
    "spasticity": ("spasticity", "muscle spasticity"),
    "muscle stiffness": ("spasticity", "muscle spasticity"),
    "muscle spasms": ("muscle spasm", "spasm", "spasticity"),
    "muscle spasm": ("muscle spasm", "spasm"),
    "spasms": ("spasm", "muscle spasm"),
    "ms": ("multiple sclerosis",),
    "multiple sclerosis": ("multiple sclerosis",),
    "spinal cord injury": ("spinal cord injuries", "spinal cord injury"),
    "cerebral palsy": ("cerebral palsy",),
    "stroke": ("stroke",),
    "fibromyalgia": ("fibromyalgia",),
    "nerve pain": ("neuropathic pain", "neuralgia", "neuropathy"),
    "neuropathic pain": ("neuropathic pain", "neuralgia"),
    "neuropathy": ("neuropathy", "neuropathic pain"),
    "arthritis": ("osteoarthritis", "arthritis", "rheumatoid arthritis"),
    "osteoarthritis": ("osteoarthritis",),
    "high blood pressure": ("hypertension",),
    "hypertension": ("hypertension",),
    "heart attack": ("myocardial infarction",),
    "diabetes": ("diabetes mellitus", "type 2 diabetes"),
    "depression": ("depression", "major depressive disorder"),
    "anxiety": ("anxiety", "generalized anxiety disorder"),
    "insomnia": ("insomnia",),
    "migraine": ("migraine",),
    "headache": ("headache",),
    "chronic pain": ("chronic pain",),
    "seizures": ("seizures", "epilepsy"),
    "epilepsy": ("epilepsy", "seizures"),
    "alcohol withdrawal": ("alcohol withdrawal",),
    "alcohol use disorder": ("alcohol use disorder", "alcohol dependence"),
    "hiccups": ("hiccups", "singultus"),
    "parkinson's disease": ("parkinson's disease", "parkinson disease"),
    "parkinson": ("parkinson's disease", "parkinson disease"),
}

# MeSH check tags and other terms too generic to be the condition a question is about.
NON_CONDITIONS = frozenset({
    "humans", "male", "female", "adult", "aged", "middle aged", "young adult", "adolescent",
    "child", "infant", "animals", "aged, 80 and over", "treatment outcome", "time factors",
    "retrospective studies", "prospective studies", "follow-up studies", "risk factors",
    "drug therapy", "therapy", "patients", "disease", "use", "role", "dose", "treatment",
    "pregnancy", "lactation", "management", "women", "men", "safety", "pain management", "pain",
})
