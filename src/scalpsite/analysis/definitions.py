"""The definitions the dossier and the site's glossary print, each with its source.

Written once here so that the PDF, the site and the rules of the analysis say the same; the
thresholds in the text are the constants the analysis uses.
"""

from __future__ import annotations

from scalpsite.analysis import scores
from scalpsite.analysis.response import EASI_RELATIVE, SALT_RELATIVE

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
        (AD, "Itch", "Peak Pruritus NRS 0–10, worst itch in the past 24 hours; a reduction of "
         f"{scores.ITCH_MEANINGFUL} points or more from baseline is clinically meaningful.",
         "Yosipovitch et al., Br J Dermatol 2019;181:761–9"),
        (AD, "POEM", "Patient-Oriented Eczema Measure, 0–28. Bands: 0–2 clear or almost clear; 3–7 mild; "
         f"8–16 moderate; 17–24 severe; 25–28 very severe. A change of {scores.POEM_MEANINGFUL} or more is "
         f"probably important, {scores.POEM_MEANINGFUL + 1} or more very likely. One unanswered question "
         "counts 0; with two or more unanswered there is no score.",
         "Charman et al., Arch Dermatol 2004;140:1513–9; bands: Charman et al., Br J Dermatol 2013;169:1326–32"),
        ("", "DLQI", "Dermatology Life Quality Index, 0–30. Bands: 0–1 no effect; 2–5 small; 6–10 moderate; "
         f"11–20 very large; 21–30 extremely large. A change of {scores.DLQI_MEANINGFUL} points is "
         "meaningful. Unanswered questions are handled as for POEM (one counts 0, two or more: no score).",
         "Finlay & Khan, Clin Exp Dermatol 1994;19:210–6; bands: Hongbo et al., J Invest Dermatol "
         "2005;125:659–64"),
        ("", "Self-assessed", "Every score in this dossier is the patient's own assessment, entered in the "
         "journal, except in sessions marked 'clinician' (measured in clinic). Self-assessed SALT and EASI "
         "are estimates by the patient, not by a trained rater.", None),
        (AA, "Response", f"SALT30 and SALT ≤ 20 are followed over time: first met at the first session "
         f"that meets them; kept once met at two consecutive sessions at least 4 weeks apart and at every "
         f"session since; lost on the second of two consecutive sessions that fail them after they were "
         f"kept. One session never makes a response kept.", "the rule of the ritlecitinib post hoc "
         "trajectory analysis as CLINICAL.md states it"),
        ("", "Phases", "Time on treatment from the start of the tracked treatment: observation (0–3 months), "
         "response window (3–6), continued assessment (6–12), maintenance (beyond 12); the tracking "
         "schedule widens from every 4 weeks to every 8–12 weeks accordingly.",
         "the tracking protocol scalpsite follows (CLINICAL.md)"),
    ]


def definitions(conditions: list[str]) -> list[dict]:
    """The definitions that apply to the conditions tracked, in reading order."""
    return [{"term": term, "text": text, "source": source}
            for cond, term, text, source in _definitions() if not cond or cond in conditions]
