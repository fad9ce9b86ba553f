-- AlterEnum
ALTER TYPE "NotificationStatus" ADD VALUE 'HELD';

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "heldAt" TIMESTAMP(3),
ADD COLUMN     "petitionId" INTEGER;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lastInboundAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "StoredFile" (
    "id" SERIAL NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mimeType" TEXT,
    "fileName" TEXT,
    "data" BYTEA NOT NULL,
    "telegramFileId" TEXT,
    "messengerAttachmentId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredFile_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StoredFile_sha256_key" ON "StoredFile"("sha256");

-- CreateIndex
CREATE INDEX "StoredFile_telegramFileId_idx" ON "StoredFile"("telegramFileId");

-- CreateIndex
CREATE INDEX "Notification_userId_status_idx" ON "Notification"("userId", "status");
