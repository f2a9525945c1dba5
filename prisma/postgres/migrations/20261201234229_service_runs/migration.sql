-- CreateTable
CREATE TABLE "service_runs" (
    "id" SERIAL NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "last_alive_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "service_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "idx_service_runs_alive" ON "service_runs"("last_alive_at");
