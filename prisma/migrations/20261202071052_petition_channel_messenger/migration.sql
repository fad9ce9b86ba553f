-- AlterEnum
ALTER TYPE "PetitionChannel" ADD VALUE 'MESSENGER';
