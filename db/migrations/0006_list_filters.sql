CREATE TABLE `list_filters` (
	`user_id` integer NOT NULL,
	`func` text NOT NULL,
	`params` text NOT NULL,
	PRIMARY KEY(`user_id`, `func`)
);
