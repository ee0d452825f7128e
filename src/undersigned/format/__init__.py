"""The letter and roster format: YAML reading with positions, the field table, model, loading."""
