DROP INDEX `users_parent_idx`;--> statement-breakpoint
ALTER TABLE `users` DROP COLUMN `parent_id`;