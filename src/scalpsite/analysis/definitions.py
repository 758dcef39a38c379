"""The definitions the dossier and the site's glossary print, each with its source.

Written once here so that the PDF, the site and the rules of the analysis say the same; the
thresholds in the text are the constants the analysis uses.
"""

from __future__ import annotations

from scalpsite.analysis import aascale, clinro, injections, runs, scores
from scalpsite.analysis import photoevidence as pe
from scalpsite.analysis.response import EASI_RELATIVE, SALT_RELATIVE
from scalpsite.photos.alignment import CONFIDENT
from scalpsite.photos.masks import TOLERANCE

AA, AD = "alopecia_areata", "atopic_dermatitis"


def _pcts(values) -> str:
    return "/".join(str(v) for v in values)


def _definitions() -> list[tuple[str, str, str, str | None]]:
    """(condition or '', term, text, source)."""
    return [
        (AA, "SALT", "Severity of Alopecia Tool: 0.40 × top + 0.24 × back + 0.18 × left + 0.18 × right, each "
         "the % of terminal-hair loss in that region (vellus counts as loss); 0–100. Change in points = "
         "current − baseline, negative is better. Relative improvement = (baseline − current) / baseline; "
         f"SALT{_pcts(SALT_RELATIVE)} = improvement ≥ {_pcts(SALT_RELATIVE)} %. SALT ≤ 20 and ≤ 10: the "
         "absolute endpoints of the phase 3 trials.", "Olsen et al., J Am Acad Dermatol 2004;51:440–7"),
        (AA, "S-class", "S0 = 0; S1 under 25; S2 25 to under 50; S3 50 to under 75; S4 75 to under 100; "
         "S5 = 100. The S4a/S4b split of S4 found in some reports is not used.", "Olsen et al. 2004"),
        (AA, "AA-IGA", "0 none (SALT 0); 1 limited (over 0 to 20); 2 moderate (over 20 to under 50); "
         "3 severe (50 to under 95); 4 very severe (95–100): the published integer ranges 1–20, 21–49, "
         "50–94, 95–100 applied as half-open bins to non-integer scores.",
         "Wyrwich et al., Br J Dermatol 2020;183:702–9"),
        (AA, "FU/cm²", "Follicular units per square centimetre, as the patient's measuring tool reports "
         "them. Month-to-month noise of a few percent is normal; trends over 3 to 6 months matter.", None),
        (AA, "Vellus", "Fine, short, unpigmented hairs; the vellus share is the percentage of regrowing "
         "hairs that are vellus (terminal = 100 − vellus). SALT counts vellus hair as loss.", None),
        (AD, "EASI", "Eczema Area and Severity Index, 0–72 (region weights for age 8 and over, or under 8). "
         "Bands: 0 clear; 0.1–1.0 almost clear; 1.1–7.0 mild; 7.1–21.0 moderate; 21.1–50.0 severe; "
         f"50.1–72 very severe. EASI-{_pcts(EASI_RELATIVE)}: reduction from baseline ≥ "
         f"{_pcts(EASI_RELATIVE)} %.", "Hanifin et al., Exp Dermatol 2001;10:11–8; bands: Leshem et al., "
         "Br J Dermatol 2015;172:1353–7"),
        (AD, "BSA", "Body surface area with eczema, % of the skin (a hand with its fingers is about 1 %). Strata: "
         "0 clear, 0.1–15.9 mild, 16.0–39.9 moderate, 40.0–100 severe. No meaningful change is defined.",
         "strata: Chopra et al., Br J Dermatol 2017;177:1316–21"),
        (AD, "vIGA-AD", "Validated Investigator Global Assessment for Atopic Dermatitis: 0 clear, 1 almost clear, "
         "2 mild, 3 moderate, 4 severe, usually a clinician's grade. Success as in the dupilumab trials: 0 or 1 "
         "with an improvement of 2 grades or more from baseline.", "Simpson et al., J Am Acad Dermatol "
         "2020;83:839–46; success: Simpson et al., N Engl J Med 2016;375:2335–48 (SOLO 1 and 2)"),
        (AD, "Itch", "Peak Pruritus NRS 0–10, worst itch in the past 24 hours; a reduction of "
         f"{scores.ITCH_MEANINGFUL} points or more from baseline is clinically meaningful.",
         "Yosipovitch et al., Br J Dermatol 2019;181:761–9"),
        (AD, "POEM", "Patient-Oriented Eczema Measure, 0–28. Bands: 0–2 clear or almost clear; 3–7 mild; "
         f"8–16 moderate; 17–24 severe; 25–28 very severe. A change of {scores.POEM_MEANINGFUL} or more is "
         f"probably important, {scores.POEM_MEANINGFUL + 1} or more very likely. One unanswered question "
         "counts 0; with two or more unanswered there is no score.",
         "Charman et al., Arch Dermatol 2004;140:1513–9; bands: Charman et al., Br J Dermatol 2013;169:1326–32; "
         "change: Howells et al., Br J Dermatol 2018;178:1135–42"),
        ("", "DLQI", "Dermatology Life Quality Index, 0–30. Bands: 0–1 no effect; 2–5 small; 6–10 moderate; "
         f"11–20 very large; 21–30 extremely large. A change of {scores.DLQI_MEANINGFUL} points is "
         "meaningful. Unanswered questions are handled as for POEM (one counts 0, two or more: no score).",
         "Finlay & Khan, Clin Exp Dermatol 1994;19:210–6; bands: Hongbo et al., J Invest Dermatol "
         "2005;125:659–64; change: Basra et al., Dermatology 2015;230:27–33"),
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
        ("", "Response", "Every responder milestone (SALT30/50/75/90, SALT ≤ 20 and ≤ 10, EASI-50/75/90, itch −4, "
         "ADCT −5, eyebrows, eyelashes, PGI-C) is followed in runs of sessions; only sessions that record the "
         "measure count. A run starts at a session that meets the milestone after one that did not. It is kept "
         f"once met at every counted session from its start to one at least {runs.KEPT_MIN_DAYS // 7} weeks later "
         "(confirmed on that session); before that, one failing session ends it. Once kept, one failing session "
         f"alone does not end it; {runs.LOST_AFTER} in a row lose it (lost on the second). A new run may be kept "
         "again: the table of responses lists every run. A badge is green while its latest run is met or kept.",
         "the labels (response maintained, or achieved and not maintained) as in King et al., J Eur Acad "
         "Dermatol Venereol 2025;39:1163–73; the 4-week and two-session rule is scalpsite's, for a patient's "
         "own record"),
        (AA, "AA Scale", "Alopecia Areata Scale: scalp hair loss 20 % or less mild, 21–49 % moderate, 50–100 % "
         "severe (half-open for non-integer SALT, as AA-IGA). Mild or moderate moves up one level if any of: "
         f"noticeable eyebrow or eyelash involvement (read here as ClinRO {aascale.INVOLVED} or 3); inadequate "
         f"response after 6 months or more of treatment (read here as no SALT{aascale.ADEQUATE_PCT} at a session "
         f"{aascale.TREATED_DAYS} days or more after the start); diffuse (multifocal positive pull test) or rapidly "
         f"progressive loss, as a clinician recorded it; psychosocial impact {aascale.PSYCHOSOCIAL} or more of 10. "
         "The reasons are shown; a feature not recorded is named, as the level may then be higher.",
         "King et al., J Am Acad Dermatol 2022;86:359–64"),
        (AA, "Brows, lashes", "ClinRO measures of eyebrow and eyelash hair loss: 0 full coverage, 1 minimal gaps, "
         "2 significant gaps, 3 no notable eyebrows (eyelashes). Response as in the integrated BRAVE-AA analysis: a "
         "baseline of 2 or 3 that reaches 0 or 1 with at least 1 point of improvement (other BRAVE-AA reports and "
         "ALLEGRO count an improvement of 2 points or more).",
         "King et al., N Engl J Med 2022;386:1687–99 (BRAVE-AA1/2); responder: Mostaghimi et al., integrated "
         "BRAVE-AA1/2 eyebrow and eyelash analysis"),
        (AA, "PGI-C", "Patient Global Impression of Change of the hair loss since before treatment: 1 greatly, "
         "2 moderately, 3 slightly improved, 4 no change, 5 slightly, 6 moderately, 7 greatly worse. Responder as "
         f"in ALLEGRO: {clinro.PGIC_RESPONSE} or better (greatly or moderately improved).",
         "King et al., Lancet 2023;401:1518–29 (ALLEGRO-2b/3)"),
        (AD, "ADCT", "Atopic Dermatitis Control Tool total, 0–24, as the patient scored it on the official form: "
         f"{clinro.ADCT_NOT_CONTROLLED} or more means not in control; a change of {clinro.ADCT_MEANINGFUL} points is "
         "meaningful within a patient.", "Pariser et al., Curr Med Res Opin 2020;36:367–76; change: Simpson et al., "
         "BMC Dermatol 2019;19:15"),
        (AD, "RECAP", "Recap of atopic eczema total, 0–28, as the patient scored it on the official form; a fall of "
         f"{clinro.RECAP_IMPORTANT} points or more is likely clinically important. No control bands are shown.",
         "Howells et al., Br J Dermatol 2020;183:524–36; change: Baker et al., Skin Health Dis 2024;4:e470"),
        ("", "Adherence", "Doses fall due on the treatment start + interval × k (dupilumab: 600 mg as two "
         "injections, then 300 mg every 14 days). An injection belongs to the due date whose window "
         f"[due − {injections.EARLY_DAYS}, due + {injections.GRACE_DAYS} days] holds it, both loading injections to "
         f"the first. Late: more than {injections.LATE_DAYS} days after due; missed: nothing logged by due + "
         f"{injections.GRACE_DAYS} (until then pending). Adherence = given / (given + missed). Counted from "
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
