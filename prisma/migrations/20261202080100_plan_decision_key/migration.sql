-- AlterTable
ALTER TABLE "PerformancePlan" ADD COLUMN     "decisionKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "PerformancePlan_decisionKey_key" ON "PerformancePlan"("decisionKey");
