-- The currencies every new installation starts with (as on SQLite).
INSERT INTO "currencies" ("code", "name", "places", "created_at") VALUES
	('USD', 'US Dollar', 2, 0),
	('EUR', 'Euro', 2, 0),
	('RUB', 'Russian Ruble', 2, 0);
