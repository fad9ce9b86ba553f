-- DropIndex
DROP INDEX "ProcessedUpdate_chatKey_updateId_idx";

-- CreateIndex
CREATE INDEX "ProcessedUpdate_chatKey_updateId_idx" ON "ProcessedUpdate"("chatKey", "updateId") WHERE ("doneAt" IS NULL);
