DROP INDEX `provisioning_deliveries_due_idx`;--> statement-breakpoint
CREATE INDEX `provisioning_deliveries_retry_idx` ON `provisioning_deliveries` (`next_at`) WHERE status = 'retrying';--> statement-breakpoint
CREATE INDEX `provisioning_deliveries_due_idx` ON `provisioning_deliveries` (`priority`,`id`) WHERE status = 'pending';