CREATE TABLE `provisioning_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`handler_id` integer NOT NULL,
	`event` text NOT NULL,
	`object_id` integer,
	`object_key` text NOT NULL,
	`priority` integer NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `provisioning_deliveries_delivery_id_unique` ON `provisioning_deliveries` (`delivery_id`);--> statement-breakpoint
CREATE INDEX `provisioning_deliveries_due_idx` ON `provisioning_deliveries` (`priority`,`id`) WHERE status in ('pending', 'retrying');--> statement-breakpoint
CREATE INDEX `provisioning_deliveries_order_idx` ON `provisioning_deliveries` (`handler_id`,`object_key`,`id`) WHERE status in ('pending', 'retrying');--> statement-breakpoint
CREATE INDEX `provisioning_deliveries_created_idx` ON `provisioning_deliveries` (`created_at`);--> statement-breakpoint
CREATE TABLE `provisioning_handlers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`events` text NOT NULL,
	`type` text NOT NULL,
	`target` text NOT NULL,
	`stage` text DEFAULT 'after' NOT NULL,
	`status` text DEFAULT 'enabled' NOT NULL,
	`priority` integer DEFAULT 10 NOT NULL,
	`timeout_ms` integer DEFAULT 0 NOT NULL,
	`secret` text DEFAULT '' NOT NULL,
	`on_failure` text DEFAULT 'allow' NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "provisioning_handlers_priority_check" CHECK("provisioning_handlers"."priority" >= 1),
	CONSTRAINT "provisioning_handlers_timeout_check" CHECK("provisioning_handlers"."timeout_ms" >= 0)
);
--> statement-breakpoint
CREATE INDEX `provisioning_handlers_stage_idx` ON `provisioning_handlers` (`stage`,`status`,`priority`,`id`);--> statement-breakpoint
CREATE TABLE `provisioning_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer,
	`handler_id` integer NOT NULL,
	`stage` text NOT NULL,
	`event` text NOT NULL,
	`object_id` integer,
	`attempt` integer DEFAULT 1 NOT NULL,
	`status` text NOT NULL,
	`at` integer NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`payload` text,
	`response` text DEFAULT '' NOT NULL,
	`error` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `provisioning_log_at_idx` ON `provisioning_log` (`at`,`id`);--> statement-breakpoint
CREATE INDEX `provisioning_log_handler_idx` ON `provisioning_log` (`handler_id`,`id`);--> statement-breakpoint
CREATE INDEX `provisioning_log_event_idx` ON `provisioning_log` (`event`,`id`);--> statement-breakpoint
CREATE INDEX `provisioning_log_delivery_idx` ON `provisioning_log` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` integer NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`result` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `key`)
);
