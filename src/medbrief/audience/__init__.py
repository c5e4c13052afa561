"""Reader personalisation: plain language for patients and caregivers, triage, readability."""
