"""The pure domain: rules as data, answers and checklists.

No I/O beyond reading its own data files: no database, no settings, no network."""
