-- CreateTable
CREATE TABLE "service_runs" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "started_at" DATETIME NOT NULL,
    "last_alive_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "idx_service_runs_alive" ON "service_runs"("last_alive_at");
