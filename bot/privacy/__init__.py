"""What Wegwijs keeps about a person, and how it goes: "wis mijn gegevens", the admin's
erase command, and how long conversations are kept."""
