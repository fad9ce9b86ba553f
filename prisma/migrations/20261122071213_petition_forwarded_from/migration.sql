-- AlterTable
ALTER TABLE "Petition" ADD COLUMN     "forwardedFromId" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "Petition_forwardedFromId_key" ON "Petition"("forwardedFromId");

-- AddForeignKey
ALTER TABLE "Petition" ADD CONSTRAINT "Petition_forwardedFromId_fkey" FOREIGN KEY ("forwardedFromId") REFERENCES "Petition"("id") ON DELETE SET NULL ON UPDATE CASCADE;
