"""The mask painter of `scalpsite serve`: a page per photo of a SALT view to paint its mask on,
and the routes that read and write `<photo stem>.mask.png`. It exists in the preview only: no
built, encrypted or bundled site holds any of it."""
