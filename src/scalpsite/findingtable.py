"""The finding codes, by what they are about: (code, level, what, why, fix, example).

An example is (path, text): these lines added to that journal file (a new file when it does not
exist) give the finding, in a journal that tracks dupilumab from 2025-01-10 with sessions on
2025-01-06 and 2025-03-03; or a sentence, for what a text file cannot show. findingcodes.py reads
this table; tests check every code the code emits is here, and every file example gives its code.
"""

from __future__ import annotations

from scalpsite.findings import Level
from scalpsite.measures.registry import MEASURES as REGISTRY

E, W, I = Level.ERROR, Level.WARNING, Level.INFO
Row = tuple[str, Level, str, str, str, "tuple[str, str] | str"]  # code, level, what, why, fix, example
NEW = "sessions/2025-03-05/session.yaml"  # a new session in the example journal
NOTES = "sessions/2025-03-03/notes.md"
LOG = "injections.csv"
HEAD = "date,drug,dose_mg,site,reaction,note\n"

FILES: list[Row] = [
    ("invalid-file", E, "A file that cannot be read as a whole: YAML that does not parse, a CSV without its "
     "header, front matter that is not keys and values.",
     "Nothing in the file can be used until it parses; the message names the line where reading stopped.",
     "Fix the line named (an unclosed bracket or quote, a tab, a duplicate key).",
     (NEW, "density: {frontal: 120, crown: 60\n")),
    ("unknown-key", E, "A key scalpsite does not know at that place of the file.",
     "A misspelt key would be ignored and its value would silently be missing from the record.",
     "Use the key the message suggests, or move the key where it belongs (`itch` goes under `ad:`).",
     (NEW, "densty: {frontal: 120, crown: 60}\n")),
    ("missing-key", E, "A key that must be given is missing (a treatment's `start`, a side effect's `name`).",
     "Without it the entry has no meaning: a treatment without a start has no time on treatment.",
     "Add the key with a value.", (NEW, "side_effects: [{severity: mild}]\n")),
    ("invalid-value", E, "A value of the wrong kind or out of range: text for a number, itch 11 on a 0-10 "
     "scale, a date that does not exist, a CSV cell that is not a date.",
     "A wrong value would be charted and scored as if it were right.",
     "Write the value as the message and its fix say; `scalpsite schema` and docs/journal-format.md "
     "list each key's type and range.", (NEW, "ad: {itch: 11}\n")),
    ("link-outside", E, "A journal file (scalpsite.yaml, a note, injections.csv, a theme file) is a link to "
     "a place outside the journal.",
     "scalpsite reads and publishes only what is inside the journal, so a link cannot carry other files "
     "into a site.", "Copy the file into the journal instead of linking to it.",
     "`notes.md` in a session folder is a symbolic link to `~/diary.md`."),
    ("unreadable", E, "A folder of the journal cannot be listed.",
     "Sessions in it would be missing from the record without a word.",
     "Check the folder's permissions.", "`sessions/` belongs to another user and is not readable."),
    ("bad-folder-name", E, "A folder in `sessions/` is not named by a date (YYYY-MM-DD, optionally with a "
     "suffix) between 1900 and 2200.", "A session's date comes from its folder name.",
     "Rename the folder: `2025-01-06` or `2025-01-06-clinic`.", ("sessions/march/session.yaml", "density: {frontal: 120, crown: 60}\n")),
    ("missing-session-yaml", E, "A session folder has no `session.yaml`.",
     "The session's measurements, and so the session itself, are missing.",
     "Run `scalpsite new --date D`, or add a `session.yaml`.",
     ("sessions/2025-03-05/notes.md", "Forgot to write the measurements.\n")),
    ("session-outside", E, "A session folder is a link to a folder outside the journal.",
     "Its photos and notes would be published from a place the journal does not own.",
     "Move the folder into `sessions/`.", "`sessions/2025-03-03` is a symbolic link to `~/Pictures/march`."),
    ("bad-appointment-name", E, "A file in `appointments/` is not named by a date (`YYYY-MM-DD.md`).",
     "An appointment's date comes from its file name.", "Rename the file `2025-03-14.md`.",
     ("appointments/next-visit.md", "---\nclinician: Dr. A. Example\n---\nQuestions.\n")),
    ("note-too-long", W, "A note has more than 20,000 characters or 500 `[`.",
     "Markdown of that size can stall a build; the note is shown as plain text instead.",
     "Shorten the note, or keep long texts outside the journal.",
     "A `notes.md` that pastes in a 30-page document."),
    ("note-too-deep", W, "A note nests quotes or lists more than 12 levels deep.",
     "The dossier's layout has a depth limit; the deeper levels are shown as plain text.",
     "Nest fewer `>` quotes or list levels.", (NOTES, "> " * 13 + "deep\n")),
    ("font-coverage", W, "Text has characters the dossier's font cannot show.",
     "They print as empty boxes in the PDF; the site shows them.",
     "Nothing to do if the site is enough; write those words in Latin, Greek or Cyrillic letters for "
     "the PDF.", (NOTES, "頭皮の写真\n")),
    ("theme-template-unused", W, "A template of the journal's own theme that no page uses: it has none of "
     "the default theme's names and none of the theme's templates includes it.",
     "A misspelt name, or a template renamed since the theme was written, is silently left out of the site.",
     "Rename the file to the template it replaces (a name of the default theme's `templates/`), or remove it.",
     "`themes/mine/templates/sesion.html` in a journal with `theme: mine`."),
    ("stale-schema", I, "An editor schema in `.scalpsite/` was written by another scalpsite version.",
     "The editor would check the files against keys of that version.",
     "Run `scalpsite schema --write`.", "`.scalpsite/session.schema.json` written before an upgrade."),
]

SESSIONS: list[Row] = [
    ("no-sessions", W, "The journal has no sessions yet.", "There is nothing to compare or to chart.",
     "Run `scalpsite new` to add the first session.", "A journal just made by `scalpsite init`, its first "
     "session folder deleted."),
    ("future-session", E, "A session is dated after today.", "A dated record cannot hold what has not "
     "happened; a typo in a folder name would reorder the course.", "Check the folder name.",
     ("sessions/2025-12-01/session.yaml", "density: {frontal: 120, crown: 60}\n")),
    ("date-mismatch", E, "A session's `date:` disagrees with its folder name.",
     "Two dates for one session: the course could be drawn with either.",
     "Remove the `date:` line, or make it match the folder.", (NEW, "date: 2025-03-06\n")),
    ("duplicate-date", W, "Two session folders have the same date.", "Two records of one day make the "
     "course ambiguous.", "Merge them into one folder, or correct a date.",
     ("sessions/2025-03-03-clinic/session.yaml", "density: {frontal: 120, crown: 60}\n")),
    ("no-baseline", W, "No session lies on or before the treatment's start.",
     "The first session is then used as the baseline, so the change from before treatment is not "
     "measured.", "Add the session recorded before the start, if there is one.",
     "The treatment starts on 2025-01-10 and the first session is dated 2025-02-01."),
    ("before-start", W, "A session before the treatment's start that is not its baseline.",
     "The baseline is the last session on or before the start; an earlier one is history, and a wrong "
     "date would look like one.", "Check the date.", ("sessions/2025-01-03/session.yaml", "density: {frontal: 120, crown: 60}\n")),
    ("session-overdue", W, "The next session is due by the treatment's schedule and none is recorded.",
     "Sessions at the scheduled times make the response at weeks 12, 24 and 52 measurable.",
     "Run `scalpsite new` and take the photos.",
     "The last session was on 2025-01-06 and the schedule asked for the next four weeks later."),
]

MEASURES: list[Row] = [
    ("missing-salt", W, "A session has no SALT (or a region of it is empty).",
     "SALT is the measure of the scalp's hair loss that the course and the responses are drawn from.",
     "Add `salt: {top: .., back: .., left: .., right: ..}`, % of loss per region.",
     (NEW, "density: {frontal: 120, crown: 60}\n")),
    ("missing-density", W, "A session has no density reading for a zone of scalpsite.yaml.",
     "Each zone's trend needs a reading every session.", "Add a reading per zone under `density:`.",
     (NEW, "hair_quality: {vellus_pct: 30}\n")),
    ("bad-zone", E, "A density zone name in scalpsite.yaml is empty or longer than 40 characters.",
     "Zone names become CSV columns and chart labels.", "Name the zone in a word or two: `crown`.",
     "`density: {zones: [frontal, crown, '']}` in scalpsite.yaml."),
    ("zone-twice", E, "A density zone is listed twice in scalpsite.yaml.",
     "Its readings and its CSV columns would be given twice.", "List each zone once.",
     "`density: {zones: [frontal, crown, crown]}` in scalpsite.yaml."),
    ("zone-clash", E, "Two density zones would fill the same CSV column (`change_pct_crown` beside `crown`).",
     "The CSV export would have two columns of one name, and a spreadsheet would read one of them.",
     "Rename one of the two zones.", "`density: {zones: [crown, change_pct_crown]}` in scalpsite.yaml."),
    ("unknown-zone", E, "A density reading for a zone scalpsite.yaml does not list.",
     "A misspelt zone would start a trend of its own.", "Use a zone of scalpsite.yaml's `density.zones`, "
     "or add the zone there.", (NEW, "density: {frontal: 120, crown: 60, vertx: 80}\n")),
    ("missing-itch", W, "Atopic dermatitis is tracked and a session has no peak itch (`ad.itch`).",
     "Itch is the symptom whose change is followed session by session.", "Add `ad: {itch: ..}` (0-10).",
     (NEW, "ad: {easi: 12.4}\n")),
    ("missing-ad-score", W, "Atopic dermatitis is tracked and a session has neither EASI nor POEM.",
     "Without one of them the dermatitis has no score that session.", "Add `ad.easi` or `ad.poem`.",
     (NEW, "ad: {itch: 6}\n")),
    ("implausible-value", W, "A value within the accepted range that no person has: a density over 500 "
     "per cm², a `vellus_pct` between 0 and 1 on its 0-100 scale.",
     "Most likely a slip of the keyboard or a fraction typed for a percentage; it would be charted as it is.",
     "Check the reading and its unit; write a percentage as 30, not 0.3.",
     (NEW, "hair_quality: {vellus_pct: 0.3}\n")),
    ("side-effects-not-recorded", W, "A session says nothing about side effects: no `side_effects:` and no "
     "answer to the checklist.", "Not asked is not the same as none: the log cannot tell them apart "
     "without an answer.", "Answer `expected_effects` (no, yes, mild ...) or write `side_effects: none` "
     "(or a list).", (NEW, "hair_quality: {vellus_pct: 30}\n")),
    ("injection-site-not-recorded", W, "A session records side effects but not the injection-site reaction.",
     "The reaction is on the checklist of an injected treatment; not asked must not read as none.",
     "Answer `expected_effects.injection_site_reaction` (no, mild, moderate or severe).",
     (NEW, "expected_effects: {conjunctivitis: no}\n")),
    ("unknown-effect", W, "An answer in `expected_effects` for an effect not on the treatment's checklist.",
     "A misspelt effect would be counted apart from the one meant.",
     "Use a key of the checklist, or add the effect to the treatment's `expected_effects` in scalpsite.yaml.",
     (NEW, "expected_effects: {conjunctivitus: mild}\n")),
    ("effect-conflict", W, "The checklist says 'no' to an effect that the same session reports.",
     "The record contradicts itself.", "Make the answer agree with `side_effects` or `injection_site`.",
     (NEW, "side_effects: [{name: headache}]\nexpected_effects: {headache: no}\n")),
    ("unrecognised-side-effect", W, "A side effect's name is close to, but not, one of the common ones.",
     "The log groups and counts side effects by name.", "Use the common name the message suggests.",
     (NEW, "side_effects: [{name: conjunctivitus, severity: mild}]\n")),
]

INJECTIONS: list[Row] = [
    ("dosing-too-long", E, "The tracked treatment's dosing makes more than 1,000 doses due by today "
     "(a start in 1900, a daily interval typed for a fortnightly one).",
     "A record that long is almost always a typing error, and would fill the dossier with missed doses.",
     "Check the treatment's `start` and `dosing.interval_days`; the adherence counts only the first 1,000 doses.",
     "A treatment with `start: 1900-01-01` and `dosing: {interval_days: 1}`."),
    ("injection-future", E, "An injection dated after today.", "A dated record cannot hold what has not "
     "happened.", "Check the date.", (LOG, HEAD + "2025-04-01,dupilumab,300,thigh_left,,\n")),
    ("injection-unknown-drug", W, "An injection of a drug that is not a treatment in scalpsite.yaml.",
     "It cannot be counted against any treatment's doses.", "Name the drug as scalpsite.yaml's treatments "
     "do (brand names and case are known).", (LOG, HEAD + "2025-01-10,dupilumb,300,thigh_left,,\n")),
    ("injection-outside-treatment", W, "An injection dated before its treatment started or after it ended.",
     "Doses outside the treatment's dates are not counted.", "Check the date, or the treatment's `start` "
     "and `end` in scalpsite.yaml.", (LOG, HEAD + "2025-01-03,dupilumab,300,thigh_left,,\n")),
    ("injection-site-missing", W, "An injection without its site.", "The rotation of sites cannot be "
     "followed.", "Add the site: abdomen_left, abdomen_right, thigh_left, thigh_right, arm_left or "
     "arm_right.", (LOG, HEAD + "2025-01-10,dupilumab,300,,,\n")),
    ("injection-same-site", W, "An injection at the same site as the one before.",
     "The drug's label asks to rotate injection sites.", "Rotate the sites; correct the row if it was noted wrong.",
     (LOG, HEAD + "2025-01-10,dupilumab,300,thigh_left,,\n2025-01-24,dupilumab,300,thigh_left,,\n")),
    ("injection-duplicate", W, "Two rows with the same date, drug and site.",
     "Most likely one injection logged twice, which would count as two doses.",
     "Remove one of the rows; for two injections that day, note each one's site.",
     (LOG, HEAD + "2025-01-10,dupilumab,300,thigh_left,,\n2025-01-10,dupilumab,300,thigh_left,,\n")),
    ("injection-overdue", W, "The last dose due by the treatment's dosing was not logged, and its window "
     "has closed.", "A missed dose changes what the response can be compared with.",
     "Log it (`scalpsite new --injection --date D --site S`), or give the treatment an `end`.",
     (LOG, HEAD + "2025-01-10,dupilumab,300,thigh_left,,\n2025-01-10,dupilumab,300,thigh_right,,\n")),
]

PHOTOS: list[Row] = [
    ("angle-twice", E, "Two angles of scalpsite.yaml differ only in case (`front` and `Front`).",
     "Photo files are found whatever their case, so both angles would name the same photos.",
     "List each angle once.", ("scalpsite.yaml", "photos: {angles: [overhead, front, back, left, right, Front]}\n")),
    ("missing-photo", W, "A session has no photo for an angle of scalpsite.yaml.",
     "The angle's comparison and timeline skip the session.", "Add `<angle>.jpg` (or .heic, .png) to the "
     "session folder.", (NEW, "hair_quality: {vellus_pct: 30}\n")),
    ("photo-format", W, "An image in a format scalpsite does not read (GIF, BMP, TIFF ...).",
     "It is not shown anywhere.", "Export the photo as JPEG, PNG or HEIC.",
     ("sessions/2025-03-03/front.gif", "GIF89a\n")),
    ("photo-unreadable", E, "A photo file that cannot be decoded or read.", "The session has no photo for "
     "that angle.", "Replace the file with the original photo, or check its permissions.",
     ("sessions/2025-03-05/front.jpg", "not a photo\n")),
    ("duplicate-photo", W, "Two files for one angle in a session (`front.jpg` and `front.png`).",
     "Only one is used; the other may be the one meant.", "Keep one file per angle.",
     ("sessions/2025-03-03/front.png", "a second front photo\n")),
    ("photo-outside", E, "A photo named in `photos:`, or a photo file, lies outside its session folder.",
     "A session publishes only its own photos.", "Put the photo in the session folder and give its file "
     "name only.", ("sessions/2025-03-03/session.yaml", "photos: {left: ../2025-01-06/left.jpg}\n")),
    ("photo-not-found", E, "A photo named in `photos:` does not exist.", "The angle has no photo that session.",
     "Fix the file name or add the photo.", ("sessions/2025-03-03/session.yaml", "photos: {left: IMG_0042.jpg}\n")),
    ("photo-name-too-long", E, "A photo named in `photos:` has a file name of more than 120 bytes.",
     "Its mask (`NAME.mask.png`) and its renditions would not fit a file name, so the build could not "
     "write them.", "Rename the photo shorter and name it again in `photos:`.",
     ("sessions/2025-03-03/session.yaml", "photos: {front: " + "f" * 121 + ".jpg}\n")),
    ("photo-unused", W, "An image in a session folder that no page shows: named after no angle "
     "(`IMG_0001.jpg`), or a second file for an angle that `photos:` maps to another file.",
     "Only what a page shows is published; this file is neither published nor named in any output.",
     "Rename it after its angle, name it in `photos:`, or move it into `closeups/` to keep it in the journal.",
     ("sessions/2025-03-03/IMG_0001.jpg", "an unused photo\n")),
    ("bad-angle", E, "A key of `photos:` is not an angle name (letters, digits, `-`, `_`).",
     "Angle names become file names of the site.", "Use one of the angles of scalpsite.yaml.",
     ("sessions/2025-03-03/session.yaml", "photos: {'left side': left.jpg}\n")),
    ("photo-meta-no-photo", W, "`photo_meta` describes an angle the session has no photo of.",
     "The description belongs to no photo.", "Use the angle of a photo in the session.",
     ("sessions/2025-03-03/session.yaml", "photo_meta: {vertex: {grey_card: [10, 10, 50, 50]}}\n")),
    ("photo-too-small", W, "A photo under 800 px on its long side.", "Too small to show change.",
     "Use the camera's full resolution.", "A photo sent through a messenger that shrank it to 640 px."),
    ("photo-date-mismatch", W, "A photo's camera date is more than 3 days from the session date.",
     "It may belong to another session.", "Check that the photo belongs to the session.",
     "A photo taken on 2025-02-10 in the session of 2025-03-03."),
    ("photo-reused", W, "The same photo is in two sessions.", "A copied photo shows no change that happened.",
     "Take a new photo for each session.", "`front.jpg` of 2025-01-06 copied into 2025-03-03."),
    ("camera-changed", W, "A photo taken with another camera than the baseline's.",
     "Lens and processing change how hair looks.", "Use the same camera for comparable photos.",
     "Baseline with a phone's main camera, the next session with its front camera."),
    ("lighting-drift", W, "A photo more than 20 % brighter or darker than the baseline's.",
     "Light changes how much scalp shows through hair.", "Same place, same light, same time of day.",
     "A photo by the window at noon against a baseline in lamp light."),
    ("colour-drift", W, "A photo's colour balance differs from the baseline's.",
     "Warm or cold light changes how scalp and hair contrast.", "Avoid mixing lamp light and daylight.",
     "A photo under a warm bulb against a daylight baseline."),
    ("framing-drift", W, "A photo framed unlike the baseline: turned, nearer or farther, shifted, or not "
     "alignable with confidence.", "Aligned comparisons need similar framing.",
     "Load the baseline's ghost image (site page 'Take the next photos') and match its outline.",
     "A back photo taken from twice the baseline's distance."),
    ("grey-card-outside", W, "A grey card box (`photo_meta.<angle>.grey_card`) that does not lie inside the "
     "photo.", "The colours of the photo cannot be measured from it.",
     "Give `[x, y, width, height]` in pixels of the upright photo.",
     ("sessions/2025-03-03/session.yaml", "photo_meta: {front: {grey_card: [5000, 5000, 100, 100]}}\n")),
    ("grey-card-drift", W, "The grey card's colour differs from the baseline's card by more than ΔE00 5.",
     "The light has changed; the photo is white-balanced from the card, but shadows are not.",
     "Same place, same light, same time of day.", "A card photographed in shade against a sunlit baseline."),
]

MASKS: list[Row] = [
    ("mask-without-photo", W, "A `<angle>.mask.png` with no photo of that angle beside it.",
     "The mask measures nothing.", "Name the mask after its photo: `overhead.jpg` -> `overhead.mask.png`.",
     ("sessions/2025-03-03/vertex.mask.png", "a mask\n")),
    ("mask-outside", E, "A mask file is a link to a file outside its session folder.",
     "A session reads only its own files.", "Copy the mask into the session folder.",
     "`overhead.mask.png` is a symbolic link to `~/masks/1.png`."),
    ("mask-unreadable", E, "A mask that cannot be read as an image.", "Its SALT cannot be measured.",
     "Export the mask as a PNG at the photo's size.", ("sessions/2025-03-03/overhead.mask.png", "not a PNG\n")),
    ("mask-size", E, "A mask whose size differs from its photo's.", "Its pixels cannot be laid on the photo.",
     "Export the mask at the size of the photo, as a PNG.", "A mask painted on a resized copy of the photo."),
    ("mask-empty", W, "A mask that paints no scalp (every pixel transparent).", "It measures nothing.",
     "Paint the scalp's outline in any opaque colour, bald areas red.", "A mask saved before painting."),
    ("mask-no-outline", W, "A mask without a transparent pixel.", "The whole photo counts as scalp.",
     "Erase everything that is not scalp.", "A mask painted on an opaque copy of the photo."),
    ("mask-mostly-excluded", W, "More than half of a mask's scalp is painted grey (excluded).",
     "Dull colours near grey count as excluded, so the SALT would be measured on a small part.",
     "Paint haired scalp in a clear colour such as green.", "Haired scalp painted in a dark olive."),
    ("unknown-angle", E, "`photos.salt_regions` names an angle that is not one of `photos.angles`.",
     "The region would have no photo.", "Use an angle of `photos.angles`.",
     ("scalpsite.yaml", "photos: {salt_regions: {vertex: top}}\n")),
]

# The findings of a measure's own rules, documented with its entry (SALT measured from the masks).
MASKS += [code.row() for m in REGISTRY if m.masks for code in (m.masks.disagrees, m.masks.region_twice)]

TABLE: dict[str, list[Row]] = {"Journal files": FILES, "Sessions": SESSIONS, "Measures and answers": MEASURES,
         "Injection log": INJECTIONS, "Photos": PHOTOS, "Painted masks": MASKS}
