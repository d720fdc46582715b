CREATE TABLE `currencies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`places` integer DEFAULT 2 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `currencies_code_unique` ON `currencies` (`code`);--> statement-breakpoint
INSERT INTO `currencies` (`code`, `name`, `places`, `created_at`) VALUES
	('USD', 'US Dollar', 2, 0),
	('EUR', 'Euro', 2, 0),
	('RUB', 'Russian Ruble', 2, 0);
