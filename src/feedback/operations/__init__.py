"""Running a business year from the staff pages and the command line: the domain functions both call."""
