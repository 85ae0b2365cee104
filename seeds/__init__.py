"""The bundled seed data: curated TOML records and the source articles, installed with techstance."""
