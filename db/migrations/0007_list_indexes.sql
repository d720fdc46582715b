CREATE INDEX `invoices_created_idx` ON `invoices` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payments_paymethod_idx` ON `payments` (`paymethod_id`,`id`);