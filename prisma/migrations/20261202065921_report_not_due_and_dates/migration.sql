-- AlterTable
ALTER TABLE "Measure" ADD COLUMN     "dates" TEXT;

-- AlterTable
ALTER TABLE "ReportEntry" ADD COLUMN     "dates" TEXT,
ADD COLUMN     "notDueFlagged" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "notDueReason" TEXT;
