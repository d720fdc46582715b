DROP INDEX `provisioning_deliveries_delivery_id_unique`;--> statement-breakpoint
DROP INDEX `provisioning_deliveries_created_idx`;