"""Reading prediction files (whole and in batches), engines' tables, writing reports atomically."""
