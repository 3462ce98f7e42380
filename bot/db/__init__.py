"""Our own data (not Rasa's tracker): SQLAlchemy 2 models, sessions and Alembic migrations."""
