-- AlterTable
ALTER TABLE "Petition" ADD COLUMN     "intakeKey" TEXT;

-- AlterTable
ALTER TABLE "PetitionEvent" ADD COLUMN     "requestKey" TEXT;

-- AlterTable
ALTER TABLE "ProcessedUpdate" ADD COLUMN     "chatKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Petition_intakeKey_key" ON "Petition"("intakeKey");

-- CreateIndex
CREATE UNIQUE INDEX "PetitionEvent_requestKey_key" ON "PetitionEvent"("requestKey");

-- CreateIndex
CREATE INDEX "ProcessedUpdate_chatKey_updateId_idx" ON "ProcessedUpdate"("chatKey", "updateId");
