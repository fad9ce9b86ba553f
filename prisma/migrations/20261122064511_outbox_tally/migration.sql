-- CreateTable
CREATE TABLE "OutboxTally" (
    "status" "NotificationStatus" NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "OutboxTally_pkey" PRIMARY KEY ("status")
);
