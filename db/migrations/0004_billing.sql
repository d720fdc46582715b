CREATE TABLE `account_fields` (
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`value` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`account_id`, `name`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`reseller_id` integer,
	`currency_id` integer NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`credit_limit` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`lang` text DEFAULT '' NOT NULL,
	`allowed_addresses` text DEFAULT '' NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`reseller_id`) REFERENCES `resellers`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`currency_id`) REFERENCES `currencies`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "accounts_credit_limit_check" CHECK("accounts"."credit_limit" >= 0)
);
--> statement-breakpoint
CREATE INDEX `accounts_reseller_idx` ON `accounts` (`reseller_id`,`id`);--> statement-breakpoint
CREATE INDEX `accounts_name_idx` ON `accounts` (`name`);--> statement-breakpoint
CREATE INDEX `accounts_status_idx` ON `accounts` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `expenses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`item_id` integer,
	`invoice_id` integer,
	`amount` integer NOT NULL,
	`currency_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`currency_id`) REFERENCES `currencies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `expenses_account_idx` ON `expenses` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `expenses_item_idx` ON `expenses` (`item_id`);--> statement-breakpoint
CREATE INDEX `expenses_invoice_idx` ON `expenses` (`invoice_id`);--> statement-breakpoint
CREATE INDEX `expenses_created_idx` ON `expenses` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`account_id` integer NOT NULL,
	`currency_id` integer NOT NULL,
	`period_from` integer NOT NULL,
	`period_to` integer NOT NULL,
	`amount` integer NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`created_at` integer NOT NULL,
	`paid_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`currency_id`) REFERENCES `currencies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_number_unique` ON `invoices` (`number`);--> statement-breakpoint
CREATE INDEX `invoices_account_idx` ON `invoices` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `invoices_status_idx` ON `invoices` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`pricelist_id` integer NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`period` integer NOT NULL,
	`status` integer DEFAULT 1 NOT NULL,
	`suspend_reason` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`auto_renew` integer DEFAULT true NOT NULL,
	`cost` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`pricelist_id`) REFERENCES `pricelists`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "items_status_check" CHECK("items"."status" between 1 and 5)
);
--> statement-breakpoint
CREATE INDEX `items_account_idx` ON `items` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `items_status_expiry_idx` ON `items` (`status`,`expires_at`);--> statement-breakpoint
CREATE INDEX `items_pricelist_idx` ON `items` (`pricelist_id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`account_id` integer NOT NULL,
	`paymethod_id` integer,
	`amount` integer NOT NULL,
	`currency_id` integer NOT NULL,
	`status` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`paid_at` integer,
	`sender` text DEFAULT '' NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`paymethod_id`) REFERENCES `paymethods`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`currency_id`) REFERENCES `currencies`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "payments_amount_check" CHECK("payments"."amount" > 0),
	CONSTRAINT "payments_status_check" CHECK("payments"."status" between 1 and 7)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payments_number_unique` ON `payments` (`number`);--> statement-breakpoint
CREATE INDEX `payments_account_idx` ON `payments` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `payments_status_idx` ON `payments` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `payments_created_idx` ON `payments` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `xdrs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`account_id` integer NOT NULL,
	`started_at` integer NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price` integer NOT NULL,
	`cost` integer NOT NULL,
	`expense_id` integer,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`expense_id`) REFERENCES `expenses`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "xdrs_quantity_check" CHECK("xdrs"."quantity" >= 0)
);
--> statement-breakpoint
CREATE INDEX `xdrs_started_idx` ON `xdrs` (`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `xdrs_account_started_idx` ON `xdrs` (`account_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `xdrs_item_started_idx` ON `xdrs` (`item_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `xdrs_expense_idx` ON `xdrs` (`expense_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `reseller_id` integer REFERENCES resellers(id) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `users` ADD `account_id` integer REFERENCES accounts(id) ON DELETE cascade;--> statement-breakpoint
CREATE INDEX `users_reseller_idx` ON `users` (`reseller_id`);--> statement-breakpoint
CREATE INDEX `users_account_idx` ON `users` (`account_id`);