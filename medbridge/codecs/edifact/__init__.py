"""The EDIFACT codec: the reader/builder engine, the source map and reading/writing an
interchange."""
