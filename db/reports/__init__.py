"""Reports: the positions with their citations, for people outside techstance. Imports the store only."""
