"""Understanding questions: intent + typed slots, rules by default, LLM optional."""
