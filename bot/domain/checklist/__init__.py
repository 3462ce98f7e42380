"""Life events turned into a personal, ordered checklist of which agency needs what, by when."""
