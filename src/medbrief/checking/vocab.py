"""Team-written word lists for claim checking: what non-factual text looks like, which words mark
each kind of claim, and the lay words articles use for what labels say in clinical terms.

Every list here is plain data so a reviewer can read, extend and test it. Matching is
case-insensitive on whole words (letters-only boundaries), plurals tolerated where noted.
"""

from __future__ import annotations

import re
from functools import lru_cache

# --- non-factual text ------------------------------------------------------------------------

ADVICE = re.compile(
    r"\b(?:talk|speak|check|consult|discuss|ask|tell|inform|contact|call|see|work)\b[^.]{0,60}?"
    r"\b(?:doctor|physician|pharmacist|healthcare provider|health care provider|healthcare "
    r"professional|health care professional|provider|prescriber|nurse|gp|care team)s?\b"
    r"|\bseek (?:immediate |urgent |emergency )?(?:medical|professional) (?:help|advice|attention|care)"
    r"|\bcall (?:911|your local emergency|poison control|emergency services)"
    r"|\b(?:if|when) you miss(?:ed)? a dose|\bas soon as you remember\b|\bdo not double up\b"
    r"|\bconsult (?:a|your|their)\b|\bpersonali[sz]ed (?:advice|guidance)"
    r"|\bnot (?:a substitute for|intended as) (?:medical|professional) advice"
    r"|\bthis (?:article|information) is (?:for|not)\b", re.I)
MISSED_DOSE = re.compile(r"\b(?:if|when) you (?:miss|forget)|\bmiss(?:ed)? a dose\b|\bas soon as you "
                         r"remember\b|\bdo not double\b|\bdon't double\b", re.I)
MARKETING = re.compile(
    r"\bthis (?:comprehensive |complete |ultimate |handy |quick )?(?:guide|article|post)\b"
    r"|\bleave a (?:comment|reply)\b|\bemail address will not be published\b"
    r"|\brequired fields\b|\bscroll to top\b|\bsubscribe\b|\bsign up\b|\bnewsletter\b"
    r"|\bclick here\b|\bread more\b|\bshare (?:this|on)\b|\ball rights reserved\b|\bcopyright\b"
    r"|\bbuy (?:now|online)\b|\border (?:now|today)\b|\bdiscount\b|\bfree shipping\b"
    r"|\bcookies?\b.*\b(?:accept|policy)\b|\bprivacy policy\b|\bterms of (?:use|service)\b"
    r"|\binformed decisions\b|\bbetter outcomes\b|\bwe (?:hope|recommend reading)\b"
    r"|\brelated (?:posts|articles)\b|\bfollow us\b|\bsponsored\b|\badvertisement\b", re.I)
QUESTION = re.compile(r"\?\s*[\"”’)]*\s*$")

# --- who the sentence is about ---------------------------------------------------------------

ANAPHOR = re.compile(
    r"\b(?:it|this (?:medication|medicine|drug|treatment)|the (?:medication|medicine|drug))\s+"
    r"(?:is|was|can|could|may|might|will|should|must|has|have|works?|helps?|causes?|reduces?|does"
    r"|acts?|also|often|usually|remains|continues|appears|seems|comes|belongs|binds|blocks|mimics"
    r"|relieves|treats|affects|increases|decreases|lowers|raises|passes|crosses|enters|leads"
    r"|isn't|doesn't|shouldn't|won't|can't)\b|\bits\b|^\W*(?:it|this medication|this medicine)\b",
    re.I)

# --- kinds of claims, checked in this order (first match wins) ---------------------------------

KIND_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("withdrawal", re.compile(
        r"\bwithdraw\w*|\babrupt\w*|\bsudden\w* (?:stop|discontinu|cessation)|\bstop\w* "
        r"(?:\w+ )?(?:sudden|abrupt)|\btaper\w*|\bcold turkey\b|\bwean\w*"
        r"|\breduc\w* (?:the )?dos\w* (?:gradually|slowly)|\bgradual(?:ly)? (?:reduc|decreas|lower)",
        re.I)),
    ("pregnancy_lactation", re.compile(
        r"\bpregnan\w*|\bbreast ?(?:feed\w*|milk)|\blactat\w*|\bnursing (?:mothers?|women|infants?)"
        r"|\bunborn\b|\bfetus\w*|\bfetal\b|\bbirth defects?\b", re.I)),
    ("comparison", re.compile(r"\b(?:than|compared (?:to|with)|versus|vs\.?|unlike|similar to)\b",
                              re.I)),
    ("interaction", re.compile(
        r"\binteract\w*|\bcombin(?:e|ed|ing|ation)\b|\balcohol\b(?! ?(?:use|dependence|addiction"
        r"|abuse|withdrawal|disorder|related))|\bconcomitant\w*|\bmix(?:ing|ed with)\b"
        r"|\bgrapefruit\b|\bwith (?:other )?(?:sedatives?|opioids?|antidepressants?|blood thinners?"
        r"|anticoagulants?|maois?|nsaids?)\b|\bantihypertensives?\b|\bst\.? john'?s wort\b", re.I)),
    ("dose", re.compile(r"\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|micrograms?|milligrams?|grams?|g)\b", re.I)),
    ("contraindication", re.compile(
        r"\bcontraindicat\w*|\bshould not (?:be )?(?:taken|take|used|use|given)\b|\bmust not\b"
        r"|\bnot be (?:used|taken|given) (?:by|in|if)\b|\bshouldn'?t (?:take|use)\b"
        r"|\bdo not (?:take|use)\b|\bwho should not\b|\ballergic\b|\bhypersensitiv\w*", re.I)),
    ("overdose", re.compile(r"\boverdos\w*|\btoo much\b|\bpoison\w*", re.I)),
    ("renal_hepatic", re.compile(r"\bkidneys?\b|\brenal\b|\bliver\b|\bhepatic\b|\bdialysis\b",
                                 re.I)),
    ("dose", re.compile(
        r"\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|micrograms?|milligrams?|grams?|g)\b|\bdos(?:e|es|age|ing)\b"
        r"|\b(?:once|twice|three times|four times) (?:a|per|each) day\b|\bt\.?i\.?d\b"
        r"|\bmaximum (?:recommended )?(?:daily )?dose\b|\btitrat\w*", re.I)),
    ("mechanism", re.compile(
        r"\bworks? (?:by|on)\b|\bmechanism\b|\breceptors?\b|\bagonists?\b|\bantagonists?\b"
        r"|\bneurotransmitter\w*|\bbelongs? to (?:a|the) (?:class|group|family)\b|\bacts? (?:on|by|as)"
        r"\b|\bmimic\w*|\binhibit\w*|\bblock\w* (?:the )?(?:signals?|reuptake|enzyme)", re.I)),
    ("side_effect", re.compile(
        r"\bside[- ]effects?\b|\badverse\b|\bcause[sd]?\b(?! by)|\bcausing\b|\bcan lead to\b"
        r"|\bmay lead to\b|\bresult in\b|\breactions?\b|\bmake (?:you|people|patients) \w+", re.I)),
    ("indication", re.compile(
        r"\bused (?:to|for|in)\b|\buse (?:for|in)\b|\bworks? (?:well )?for\b|\bgood for\b"
        r"|\bhelpful (?:for|in)\b|\bfor (?:the )?(?:treatment|relief|management) of\b|\btreat\w*|\bprescrib\w*|\brelie\w*"
        r"|\bmanag\w*|\bhelps?\b|\beffective\w*|\befficacy\b|\bindicated\b|\bapproved\b"
        r"|\btherapy for\b|\boff[- ]label\b|\bbenefit\w*|\bremedy\b|\bcure\w*|\breduc\w* "
        r"(?:symptoms|pain|spasms?|stiffness|cravings?)|\bapplications?\b|\bexplor\w* "
        r"\w+ (?:as|for)\b|\bas a treatment\b|\btherapeutic\b", re.I)),
    ("warning", re.compile(
        r"\bcaution\w*|\bwarning\w*|\brisks?\b|\bcareful\w*|\bmonitor\w*|\belderly\b|\bfalls\b"
        r"|\bdriv\w*|\balertness\b|\boperat\w* (?:machinery|heavy)|\bprone to\b|\bdanger\w*"
        r"|(?<!alcohol )\bdependen\w*|\baddict\w*|(?<!alcohol )\babuse\b", re.I)),
)
ON_LABEL_ASSERTION = re.compile(r"\b(?:fda[- ]approved|approved (?:by the fda |for|to)|indicated "
                                r"(?:for|in|to)|labell?ed (?:for|indication)|official(?:ly)? "
                                r"(?:approved|indicated))", re.I)
OFF_LABEL = re.compile(r"\boff[- ]label\b|\bnot (?:officially |fda[- ])?(?:approved|indicated)\b"
                       r"|\bunapproved\b|\binvestigational\b|\bbeing (?:studied|investigated|"
                       r"explored|researched)\b|\bexperimental\b", re.I)
RESEARCH_CUE = re.compile(r"\bstud(?:y|ies|ied)\b|\bresearch\w*\b|\btrials?\b|\bevidence\b"
                          r"|\bexplor\w*|\binvestigat\w*", re.I)
NEGATED = re.compile(r"\b(?:not|no|never|none|cannot|can't|won't|doesn't|does not|isn't|is not)\b",
                     re.I)
SAFE_CLAIM = re.compile(r"\b(?:is|are|completely|perfectly|totally|generally) safe\b|\bsafe (?:to|in|"
                        r"during|for)\b|\bno (?:known )?risks?\b|\bwithout (?:any )?risk\b"
                        r"|\bno (?:known )?(?:interactions?|side effects?)\b|\bdoes not interact\b"
                        r"|\bharmless\b|\bno harm\b", re.I)
OVERSTATEMENT = re.compile(r"\b(?:dramatic(?:ally)?|miracle|guarantee[sd]?|cures?|cured|completely "
                           r"(?:eliminates?|cures?|stops?|safe)|100 ?%|always works|instantly"
                           r"|permanent(?:ly)? (?:cure|fix))\b", re.I)
FORMULATIONS: tuple[str, ...] = ("intrathecal", "injection", "injectable", "intravenous",
                                 "infusion", "patch", "transdermal", "topical", "cream", "gel",
                                 "extended-release", "extended release", "suppository", "inhaled",
                                 "nasal spray", "pump", "liquid", "oral solution", "suspension")

# --- lay words -> label words ----------------------------------------------------------------
# Each group: the first entry names the group; any entry found in a label span matches the group.
# Plurals ("seizures") and the group's listed variants match; nothing else does.
EFFECT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("drowsiness", "drowsy", "somnolence", "sleepiness", "sleepy", "sedation", "sedated"),
    ("dizziness", "dizzy", "lightheadedness", "light-headedness", "vertigo"),
    ("weakness", "asthenia", "muscle weakness"),
    ("fatigue", "tiredness", "tired", "lethargy"),
    ("nausea", "nauseated", "feeling sick"),
    ("vomiting", "emesis", "throwing up"),
    ("headache",),
    ("confusion", "confusional state", "confused", "disorientation"),
    ("hallucinations", "hallucination", "seeing things"),
    ("seizures", "seizure", "convulsions", "convulsion", "epileptic seizure", "fits"),
    ("low blood pressure", "hypotension", "blood pressure drop"),
    ("high blood pressure", "hypertension", "elevated blood pressure"),
    ("breathing difficulties", "difficulty breathing", "trouble breathing", "breathing problems",
     "shortness of breath", "dyspnea", "respiratory depression", "breathing difficulty"),
    ("respiratory depression", "slowed breathing", "slow breathing", "shallow breathing"),
    ("constipation",),
    ("diarrhea", "diarrhoea", "loose stools"),
    ("dry mouth", "xerostomia", "mouth dryness"),
    ("insomnia", "trouble sleeping", "difficulty sleeping", "sleeplessness"),
    ("depression", "depressed mood"),
    ("euphoria",),
    ("tremor", "tremors", "shaking"),
    ("blurred vision", "blurry vision", "vision blurred"),
    ("rash", "skin rash", "hives", "urticaria"),
    ("itching", "pruritus", "itchy"),
    ("swelling", "edema", "oedema"),
    ("sweating", "perspiration", "hyperhidrosis"),
    ("weight gain", "increased weight", "weight increase", "weight increased"),
    ("weight loss", "decreased weight", "weight decrease"),
    ("hair loss", "alopecia"),
    ("memory problems", "memory loss", "amnesia", "memory impairment", "forgetfulness"),
    ("muscle pain", "myalgia"),
    ("muscle rigidity", "rigidity", "muscle stiffness"),
    ("high fever", "fever", "hyperthermia", "hyperpyrexia", "pyrexia"),
    ("abdominal pain", "stomach pain", "stomach ache", "belly pain"),
    ("indigestion", "dyspepsia", "upset stomach", "heartburn"),
    ("bleeding", "hemorrhage", "haemorrhage", "blood loss"),
    ("stomach bleeding", "gastrointestinal bleeding", "gi bleeding", "bleeding in the stomach"),
    ("ulcers", "ulceration", "ulcer"),
    ("heart attack", "myocardial infarction"),
    ("stroke", "cerebrovascular accident"),
    ("liver damage", "hepatotoxicity", "liver injury", "liver failure", "hepatic failure"),
    ("kidney damage", "renal failure", "kidney failure", "renal impairment", "renal toxicity"),
    ("serotonin syndrome",),
    ("suicidal thoughts", "suicidal thinking", "suicidality", "suicidal ideation"),
    ("anxiety", "nervousness", "agitation"),
    ("sexual problems", "sexual dysfunction", "impotence", "erectile dysfunction",
     "decreased libido", "ejaculation disorder", "inability to ejaculate"),
    ("urinary problems", "urinary retention", "urinary frequency", "frequent urination",
     "dysuria"),
    ("slurred speech", "dysarthria"),
    ("poor coordination", "impaired coordination", "coordination disorder", "ataxia",
     "clumsiness"),
    ("palpitations", "palpitation", "racing heart"),
    ("chest pain",),
    ("fainting", "syncope", "passing out"),
    ("ringing in the ears", "tinnitus"),
    ("loss of appetite", "anorexia", "decreased appetite"),
    ("taste changes", "taste disorder", "dysgeusia"),
    ("allergic reactions", "allergic reaction", "allergic", "allergy", "allergies",
     "hypersensitivity", "anaphylaxis", "hypersensitivity reactions"),
    ("angioedema",),
    ("low blood sugar", "hypoglycemia"),
    ("lactic acidosis",),
    ("muscle spasms", "muscle spasm", "spasms"),
    ("falls", "fall"),
    ("coma",),
    ("addiction", "dependence", "abuse", "misuse"),
    ("dependence", "physical dependence"),
)
# Interacting agents (besides drug names the lexicon knows).
AGENT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("alcohol", "ethanol", "alcoholic beverages", "alcoholic drinks", "drinking"),
    ("sedatives", "sedative", "cns depressants", "cns depressant", "hypnotics", "sleeping pills",
     "tranquilizers"),
    ("opioids", "opioid", "opiates", "narcotic", "narcotics", "opioid analgesics"),
    ("benzodiazepines", "benzodiazepine"),
    ("antidepressants", "antidepressant", "tricyclic", "tricyclic antidepressants", "ssris",
     "snris"),
    ("maois", "maoi", "mao inhibitors", "mao inhibitor", "monoamine oxidase inhibitors",
     "monoamine oxidase (mao) inhibitors", "monoamine oxidase"),
    ("antihypertensives", "antihypertensive", "blood pressure medicines",
     "blood pressure medications", "antihypertensive drugs", "antihypertensive agents"),
    ("blood thinners", "anticoagulants", "anticoagulant", "antiplatelet"),
    ("nsaids", "nsaid", "nonsteroidal anti-inflammatory drugs"),
    ("diuretics", "diuretic"),
    ("grapefruit", "grapefruit juice"),
    ("st john's wort", "st. john's wort", "hypericum"),
    ("antihistamines", "antihistamine"),
    ("muscle relaxants", "muscle relaxant"),
)
MECHANISM_TERMS: tuple[str, ...] = (
    "gaba", "gaba-b", "gabab", "alpha-2-delta", "receptor", "receptors", "agonist", "agonists", "antagonist",
    "antagonists", "inhibitor", "inhibitors", "reuptake", "serotonin", "norepinephrine", "dopamine",
    "cyclooxygenase", "cox", "prostaglandin", "prostaglandins", "sodium channels", "calcium channels",
    "alpha-2", "histamine", "acetylcholine", "anticholinergic", "opioid receptors", "mu-opioid",
    "spinal", "reflexes", "brain stem", "brainstem", "central nervous system", "cns",
    "neurotransmitter", "analog", "analogue", "enzyme", "vitamin k", "thrombin", "factor xa",
    "glucose", "insulin", "hmg-coa", "cholesterol", "ace", "angiotensin",
)
# Article spellings of mechanism terms -> the label's spellings.
MECHANISM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "alpha-2-delta": ("α2δ", "alpha-2-delta", "alpha2delta", "alpha 2 delta"),
    "cox": ("cox", "cyclooxygenase", "cox-1", "cox-2"),
    "cyclooxygenase": ("cyclooxygenase", "cox-1", "cox-2"),
    "gaba-b": ("gaba-b", "gabab", "gaba b", "gaba(b)"),
    "vitamin k": ("vitamin k",),
}
# Words that do not carry a claim's meaning for the overlap matcher.
_FILLER_WORDS = """
a about above after again against all almost also although always am an and any are around as at
be because been before being below between both but by can could did do does doing down during each
especially even ever every few for from further had has have having he her here his how however i if
in into is it its itself just like made make makes many may me might more most much must my no nor
not now of off often on once only or other our out over own people person patients patient person's
individuals individual doctors doctor some such than that the their them then there these they this
those through to too under until up usually very was we were what when where which while who whom
why will with would you your yours medication medications medicine medicines drug drugs treatment
therapy typically generally commonly common sometimes rarely rare certain several various new well
known one two three use used using take taken taking get gets getting help helps helped cases case
someone anyone everyone person's lot lots way ways kind kinds type types thing things really
"""
FILLER = frozenset(_FILLER_WORDS.split())
# Simple lay -> label word substitutions for the overlap matcher (after lower-casing).
WORD_SYNONYMS: dict[str, str] = {
    "kidney": "renal", "kidneys": "renal", "liver": "hepatic", "cleared": "excreted",
    "clears": "excreted", "removed": "excreted", "eliminated": "excreted", "flushed": "excreted",
    "lower": "reduce", "lowering": "reduce", "lowered": "reduce", "reduction": "reduce",
    "reductions": "reduce", "decrease": "reduce", "decreased": "reduce", "cut": "reduce",
    "adjust": "reduce", "adjustment": "reduce", "adjusted": "reduce", "older": "elderly",
    "seniors": "elderly", "aged": "elderly", "children": "pediatric", "kids": "pediatric",
    "baby": "infant", "babies": "infants", "sleepy": "drowsiness", "drowsy": "drowsiness",
    "stop": "discontinue", "stopping": "discontinue", "stopped": "discontinue",
    "quit": "discontinue", "slowly": "gradually", "gradual": "gradually", "sudden": "abrupt",
    "suddenly": "abrupt", "abruptly": "abrupt", "fits": "seizures", "allergic": "hypersensitivity",
    "allergy": "hypersensitivity", "pregnant": "pregnancy", "breastfeeding": "nursing",
    "breast-feeding": "nursing", "elderly": "geriatric", "dosage": "dose", "dosing": "dose",
    "doses": "dose", "dosages": "dose",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip()


@lru_cache(maxsize=8192)
def term_pattern(term: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive, tolerant of a plural s/es and of hyphen vs space."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", _norm(term)) if w]
    body = r"[\s-]+".join(words)
    return re.compile(rf"(?<![a-z0-9]){body}(?:e?s)?(?![a-z0-9])", re.I)


def has_term(text: str, term: str) -> bool:
    return term_pattern(term).search(text.replace("’", "'")) is not None


def find_groups(text: str, groups: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    """The groups whose words occur in ``text``, in order of first occurrence; the longest match
    wins where matches overlap ("respiratory depression" is one effect, not also depression)."""
    text = text.replace("’", "'")
    found: list[tuple[int, int, tuple[str, ...]]] = []
    for group in groups:
        for t in group:
            for m in term_pattern(t).finditer(text):
                found.append((m.start(), m.end(), group))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int, tuple[str, ...]]] = []
    for s, e, g in found:
        if all(e <= ts or s >= te for ts, te, _ in taken):
            taken.append((s, e, g))
    out: list[tuple[str, ...]] = []
    for _, _, g in sorted(taken, key=lambda f: f[0]):
        if g not in out:
            out.append(g)
    return out


def group_in(text: str, group: tuple[str, ...]) -> str | None:
    """The first word of ``group`` found in ``text`` (the label's wording), or None."""
    best: tuple[int, str] | None = None
    for t in group:
        m = term_pattern(t).search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), text[m.start():m.end()])
    return best[1] if best else None
