-- DropIndex
DROP INDEX "idx_date_agent";
