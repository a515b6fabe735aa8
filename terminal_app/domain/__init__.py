"""Qt-free value objects and rules of the terminal: contacts, points, cards, service IDs, MyKey IDs."""
