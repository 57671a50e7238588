"""KenLM models: building, mixing by EM, vocabulary cuts, ARPA arrays, pruning and the export."""
