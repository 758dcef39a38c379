"""Rendering: the view both outputs share, the charts, the site and the dossier."""
