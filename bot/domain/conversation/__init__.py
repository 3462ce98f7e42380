"""Understanding a conversation: what this turn adds to what the conversation established."""
