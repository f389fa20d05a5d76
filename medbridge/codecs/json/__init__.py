"""The JSON codec: medbridge's own JSON form of the model and its wire shapes."""
