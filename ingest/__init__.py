"""Turning files and tables into the index and the database; the sample bank."""
