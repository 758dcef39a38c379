"""The definitions the dossier and the site's glossary print, each with its source.

Written once so that the PDF, the site and the rules of the analysis say the same: the measures'
from their entries of the measure registry, the other terms here, with the thresholds in the text
the constants the analysis uses.
"""

from __future__ import annotations

from scalpsite.analysis import adherence
from scalpsite.analysis.response import runs
from scalpsite.analysis import photoevidence as pe
from scalpsite.analysis.response.milestones import RULES
from scalpsite.measures.registry import MEASURES
from scalpsite.photos.alignment import CONFIDENT
from scalpsite.photos.masks import TOLERANCE

AA, AD = "alopecia_areata", "atopic_dermatitis"


def _measures() -> list[tuple[str, str, str, str | None]]:
    """The measures' definitions, each from its entry of the registry, in its order."""
    return [(m.condition or "", m.glossary_term or m.label, m.glossary_text(), m.source or None)
            for m in MEASURES if m.definition]


def _definitions() -> list[tuple[str, str, str, str | None]]:
    """(condition or '', term, text, source)."""
    return _measures() + [
        (AA, "FU/cm²", "Follicular units per square centimetre, as the patient's measuring tool reports "
         "them. Month-to-month noise of a few percent is normal; trends over 3 to 6 months matter.", None),
        ("", "Labs", "Values are shown as the patient entered them, flagged high or low against the "
         "report's reference range, else the journal's, else an adult default marked as such: total IgE "
         "0–100 IU/mL (= kU/L; laboratories use an upper limit of about 100–130), eosinophils 0.04–0.5 ×10⁹/L "
         "(above 0.5 is eosinophilia, which dupilumab can raise transiently). A result in another common unit is "
         "converted before it is flagged (cells/µL ÷ 1000; a percentage × the white cell count of the same day) "
         "and shown as entered. In the dupilumab alopecia areata trial responses were larger with a baseline IgE "
         "of 200 IU/mL or more.", "IgE: Movérare et al., Ups J Med Sci 2023;128 (upper limit 104–130 kU/L); "
         "eosinophilia: Valent et al., J Allergy Clin Immunol 2012;130:607–12; IgE ≥ 200: Guttman-Yassky et al., "
         "Allergy 2022;77:897–906"),
        ("", "Diagnoses", "Conditions with their ICD-10-CM codes as the patient or the physician entered them; "
         "scalpsite checks the form of a code only and never picks one. Durations are counted to the date of the "
         "dossier from the date of diagnosis (and of the current episode), as precisely as that date is known.",
         "ICD-10-CM, the US clinical modification of ICD-10 (CDC National Center for Health Statistics)"),
        ("", "Interruption", "The tracked drug was interrupted when no dose was logged for more than twice its "
         "dosing interval. The record then shows the gap (last dose before, first dose after), the measure at the "
         "last session before the gap, its worst during the gap or within 12 weeks after it, and its value 12 and "
         "24 weeks after the restart (the session nearest to each, within 4 weeks): dates and values, no "
         "conclusion. A loss during a gap and a new response after the restart is what causality assessment calls "
         "a positive dechallenge and rechallenge.", "Naranjo et al., Clin Pharmacol Ther 1981;30:239–45; the "
         "WHO-UMC causality assessment system"),
        ("", "Potency", "Topical corticosteroids by the US seven-class system, from class I (superpotent, such as "
         "clobetasol propionate 0.05 %) to class VII (least potent, such as hydrocortisone 1 %), as entered.",
         "Eichenfield et al., J Am Acad Dermatol 2014;71:116–32"),
        ("", "Self-assessed", "Every score in this dossier is the patient's own assessment, entered in the "
         "journal, except in sessions marked 'clinician' (measured in clinic). Self-assessed SALT and EASI "
         "are estimates by the patient, not by a trained rater.", None),
        ("", "Response", f"Every responder milestone ({', '.join(r.label for r in RULES)}) is followed in runs of "
         "sessions; only sessions that record the "
         "measure count. A run starts at a session that meets the milestone after one that did not. It is kept "
         f"once met at every counted session from its start to one at least {runs.KEPT_MIN_DAYS // 7} weeks later "
         "(confirmed on that session); before that, one failing session ends it. Once kept, one failing session "
         f"alone does not end it; {runs.LOST_AFTER} in a row lose it (lost on the second). A new run may be kept "
         "again: the table of responses lists every run. A badge is green while its latest run is met or kept.",
         "the labels (response maintained, or achieved and not maintained) as in King et al., J Eur Acad "
         "Dermatol Venereol 2025;39:1163–73; the 4-week and two-session rule is scalpsite's, for a patient's "
         "own record"),
        ("", "Adherence", "Doses fall due on the treatment start + interval × k (dupilumab: 600 mg as two "
         "injections, then 300 mg every 14 days). An injection belongs to the due date whose window "
         f"[due − {adherence.EARLY_DAYS}, due + {adherence.GRACE_DAYS} days] holds it, both loading injections to "
         f"the first. Late: more than {adherence.LATE_DAYS} days after due; missed: nothing logged by due + "
         f"{adherence.GRACE_DAYS} (until then pending). Adherence = given / (given + missed). Counted from "
         "injections.csv as logged.", "dupilumab prescribing information (adult atopic dermatitis dosing; a missed "
         "dose is given within 7 days)"),
        ("", "Expected effects", "The checklist of the tracked treatment (dupilumab: conjunctivitis or eye "
         "symptoms, blepharitis, injection-site reaction, facial erythema, oral herpes, headache, joint pain, "
         "eosinophilia, and new or worsening alopecia areata patches, as paradoxical alopecia areata has been "
         "reported on dupilumab). Counted over the sessions on treatment: reported (with severity), answered "
         "\"no\", or not asked. An effect is absent only where it was answered \"no\"; a blanket \"side effects: "
         "none\" is counted on its own line, never as the absence of an effect that was not asked. Conjunctivitis "
         "is under-reported unless asked directly: the pages say when it was asked at fewer than half the "
         "sessions. Injection-site reactions also come from the injection log, and a high eosinophil count from "
         "the labs.", "dupilumab prescribing information (adverse reactions, 52-week adult pool)"),
        (AA, "Masks", "SALT measured from masks painted over the four SALT photos (by default overhead → top, "
         "back, left, right), counted as the rwSALT tool counts them: per region, 100 × (bald + ½ partial "
         "regrowth) ÷ (scalp painted − excluded), pixel by pixel; then the SALT weights. A pixel within an RGB "
         f"distance of {TOLERANCE} of red (bald), yellow (partial) or grey (excluded) counts as that, else as haired "
         "scalp; transparent is not scalp. The check lists a measured SALT more than "
         f"{pe.SALT_DISAGREEMENT:g} points from the entered one.", "rwSALT, Mendeley Data msdkt5x9rn; weights: "
         "Olsen et al. 2004"),
        ("", "Framing", "Each photo is aligned to the reference photo of its view (the baseline's) by a "
         "similarity transform (turn, scale, shift) fitted by RANSAC to the ORB features the two photos share. "
         "Comparisons show it aligned when the confidence (the probability, from how closely the shared "
         f"features fit, that it is within 1°, 2 % scale and 1 % shift; 0–1) is {CONFIDENT:g} or more, else as "
         f"taken, and say which. The check lists photos turned over {pe.MAX_ROTATION_DEG:g}°, scaled outside "
         f"{pe.SCALE_RANGE[0]:g}–{pe.SCALE_RANGE[1]:g} or shifted over {pe.MAX_SHIFT_PCT:g} % of the width, and "
         "those that cannot be aligned with confidence.", "Rublee et al., ICCV 2011 (ORB); Fischler & Bolles, "
         "Commun ACM 1981;24:381–95 (RANSAC); Moisan & Stival, Int J Comput Vis 2004;57:201–18"),
        ("", "Grey card", "A grey card marked in a photo white-balances its renditions; its colour is compared "
         f"with the baseline's card by CIEDE2000, a difference over {pe.MAX_CARD_DELTA_E:g} being listed in the "
         "check as a change of light.", "Sharma, Wu & Dalal, Color Res Appl 2005;30:21–30"),
        ("", "Phases", "Time on treatment from the start of the tracked treatment: observation (0–3 months), "
         "response window (3–6), continued assessment (6–12), maintenance (beyond 12); the tracking "
         "schedule widens from every 4 weeks to every 8–12 weeks accordingly.",
         "scalpsite's own tracking schedule (not a published guideline); in the dupilumab phase 2a trial "
         "responses were assessed up to week 48: Guttman-Yassky et al., Allergy 2022;77:897–906"),
    ]


def definitions(conditions: list[str]) -> list[dict]:
    """The definitions that apply to the conditions tracked, in reading order."""
    return [{"term": term, "text": text, "source": source}
            for cond, term, text, source in _definitions() if not cond or cond in conditions]
