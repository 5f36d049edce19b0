"""The evaluation corpus: scripted PMC meetings with ground truth, split into dev and test."""
