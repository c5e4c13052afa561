"""What the question asks: one primary intent (and secondary ones) by ordered, documented rules."""

from __future__ import annotations

import re

INTENTS = (
    "comparison", "overdose", "pregnancy_lactation", "renal_hepatic", "product", "administration",
    "interactions", "contraindications", "stopping_withdrawal", "dose", "adverse_effects",
    "mechanism", "role_indication", "general",
)

# Checked in this order; the first rule that matches is the primary intent, later matches are
# secondary (a name may appear twice: an early, narrow pattern and a later, broad one). Patterns
# are matched on the lower-cased question. "product" is about the medicine as a product (what it
# contains, looks like, how it is stored, who makes it); "administration" about how and when to
# take or give it. Time-course questions ("how long does it stay in the body", "how soon does it
# work") are pharmacology and so "mechanism".
_RULES: tuple[tuple[str, str], ...] = (
    ("comparison", r"\b(vs\.?|versus|compared?( to| with)?|comparison|better than|difference between"
                   r"|or\b.*\bwhich|which is (better|safer|stronger)|rather than|instead of"
                   r"|switch\w* from|change from|(?<!at )the same( as)?\b(?! time))"),
    ("overdose", r"\b(overdos\w*|too much|too many|swallowed|poison\w*|took (a )?double"
                 r"|double (dose|does))\b"),
    ("pregnancy_lactation", r"\b(pregnan\w*|breast ?feed\w*|breast ?milk|nursing|lactat\w*"
                            r"|trying to conceive|expecting a baby|fertility)\b"),
    ("renal_hepatic", r"\b(kidney|renal|dialysis|liver|hepatic|cirrhosis|creatinine clearance)\b"),
    ("product", r"\b(looks? like|colou?r|shape|imprint|what size|size (pill|tablet|capsule|of)"
                r"|ingredients?|incredien\w*|inactive|contains?|what is in|what'?s in|gluten"
                r"|lactose|shellac|resin|dyes?|made (of|from)|who makes|manufactur\w*"
                r"|stor(e|ed|age|ing)|refrigerat\w*|freez\w*|expir\w*|shelf life|bottle"
                r"|dispos(e|al)|off the market|recall\w*|how (is it |are they |is .* )?supplied"
                r"|how ?much (?!is\b)[\w-]+(?: [\w-]+)? (?:is )?in)\b"),
    ("administration", r"\b(how ((do|should|can|would|to|does one|is) (i |you |one |we )?"
                       r"|(i|you|we) )(take|use|apply|give|inject|administer|insert|inhale|prep"
                       r"|prepare|mix|dilute|reconstitute|swallow|crush|cut|split|chew)\b|how is .* (taken"
                       r"|given|administ\w*|adminit\w*|injected|applied)|with(out)? food"
                       r"|empty stomach|(before|after) (a |the )?(meal|food|breakfast|lunch|dinner"
                       r"|eating|bed)|bed ?time|at night|in the morning|what time|time of day"
                       r"|how long (should |can |do |must )?(i|you|one|we) (take|use|stay on|be on"
                       r"|leave|keep)|how long should (i )?wait|(length|duration) of (the )?(treatment"
                       r"|therapy|use)|infusion time|(crush|cut|split"
                       r"|chew)\w*|nebuli[sz]er|protocol|can i eat|missed dose|forg[eo]t\w* (a|my|to)"
                       r"|adminis?t\w*|adminit\w*|when (is it|should) .* (taken|given|received)"
                       r"|when received)\b"),
    ("adverse_effects", r"\b(how will i feel|weight gain)\b"),
    ("mechanism", r"^(?!.*side[- ]effects?).*\b(how long (does|do|will|for|until|before|after|are)"
                  r" .*(stay|remain|last|leave|in (your|the|my|a) (body|system|blood|urine)|work"
                  r"|effect|show|results?|kick in|protected)|(stays?|remains?|lasts?) (in )?(the |your"
                  r" |my |a )?(body|system|blood|urine)|takes? (effect|to work)|start working"
                  r"|begin to (work|show)|kick in|how (fast|soon|quickly) .* work\w*|metaboli[sz]\w*"
                  r"|half.?life|eliminat\w*|excret\w*)\b"),
    ("interactions", r"\b(interact\w*|together with|at the same time|combine[ds]?|mix\w*"
                     r"|with (alcohol|wine|beer|grapefruit|vitamins|supplements)|while (on|taking"
                     r"|using)|when (taking|using|talking|on)\b|along with|drink\w*|alcohol"
                     r"|cocktail|(take|use|have|taken|used) [\w -]{1,40} with\b|not to take with"
                     r"|before starting)\b"),
    ("contraindications", r"\b(contraindicat\w*|who should not|should not (take|use)"
                          r"|can't take|cannot take|not (be )?(take|use)n? (if|by|with))\b"),
    ("stopping_withdrawal", r"\b(stop\w*|quit\w*|withdraw\w*|taper\w*|discontinu\w*|come off"
                            r"|coming off|wean\w*|ween\w* off|cold turkey|taken off (this|the|my)"
                            r" (medicine|medication|drug)|how (to|do i|can i|should i) (reduce|lower"
                            r"|decrease|cut down))\b"),
    ("dose", r"\b(dose|doses|dosage|dosing|how much|how many|how often|maximum|max|mgs?|milligrams?"
             r"|milagrams?|titrat\w*|frequency|times a day|per (day|week|month)|a day|daily amount"
             r"|strengths?|come in|how big|how (is|was|are) .* prescribed)\b"),
    ("adverse_effects", r"\b(side[- ]effects?|adverse|reactions?|risks?|dangers?|safe|safety"
                        r"|harm\w*|cause[sd]?|make you|weight gain|drows\w*|sleepy|addict\w*"
                        r"|long[- ]term|symptoms?|health outcomes?|induc\w*|lead to|how will i feel"
                        r"|bruis\w*|(effect|affect)s? (on )?(my|your|the|his|her|our) )"),
    ("mechanism", r"\b(mechanism|how (does|do|did) .* work\w*|how .* works|mode of action"
                  r"|what does .* do|pharmacolog\w*|class of drug|what kind of drug"
                  r"|what type of drug|class(ification)?|action of|what is the action"
                  r"|how .* (affects?|acts?) )"),
    ("role_indication", r"\b(role|used for|use for|uses|indicat\w*|treat\w*|help\w*|good for"
                        r"|prescribed for|work for|effective|efficacy|manag\w*|relie\w*"
                        r"|what is .* for|purpose|type of pain|kind of pain|cure\w*"
                        r"|why (did|do|does|would|is|are|to|take|should|was)\b|what is .* use\b"
                        r"|how is .* used|prevent\w*)\b"),
)
_COMPILED = tuple((name, re.compile(pattern)) for name, pattern in _RULES)


def classify(question: str, n_drugs: int = 0) -> tuple[str, list[str]]:
    """Return (primary intent, secondary intents) for a question."""
    low = question.lower()
    hits: list[str] = []
    for name, rx in _COMPILED:
        if name not in hits and rx.search(low):
            hits.append(name)
    # "X or Y for Z" with two drugs is a comparison even without "vs" ("X and Y" is more often a
    # combination product or a question about taking both).
    if n_drugs >= 2 and "comparison" not in hits and re.search(r"\bor\b", low) and \
            "interactions" not in hits:
        hits.insert(0, "comparison")
    # two drugs and no other cue: most often a question about taking them together

    if not hits and n_drugs >= 2 and re.search(r"\b(and|with|plus|together)\b|[&+]", low):
        hits = ["interactions"]
    if not hits:
        return "general", []
    primary = hits[0]
    # A dose question that merely mentions "safe" stays a dose question, etc.: keep rule order,
    # except that an explicit indication cue beats a generic adverse-effect cue such as "help".
    if primary == "adverse_effects" and "role_indication" in hits and \
            re.search(r"\b(role|used for|indicat\w*|type of pain|kind of pain)\b", low):
        primary = "role_indication"
    secondary = [h for h in hits if h != primary]
    return primary, secondary
