/**
 * Local uploads take at least 100 MB: a file of 100 MiB of ordinary transaction rows (over a
 * million) through local mode's real upload path (support/largeUpload.ts): one presigned PUT,
 * every row validated and counted by csv-intake, the validated copy handed whole to the loader.
 * In `npm run test:reliability` (minutes of validation on a shared machine); `npm test` runs the
 * same path with a 12 MiB file (tests/e2e/largeUpload.test.ts).
 */
import { expect } from "chai";
import { largeCsv, sha256, uploadThroughLocalMode } from "./support/largeUpload";

describe("local mode: a 100 MiB presigned upload", function () {
  this.timeout(1_200_000);

  it("takes 100 MiB of rows in one PUT, validates and counts every row and hands the whole file to the loader", async () => {
    // Prepare
    const csv = largeCsv("big", 100 * 1024 ** 2);

    // Act
    const result = await uploadThroughLocalMode(csv.body);

    // Assess
    expect(csv.rows).to.be.above(1_000_000);
    expect(result.putStatus, result.putText).to.equal(200);
    expect(result.file).to.include({
      status: "VALIDATED",
      rows: csv.rows,
      valid_rows: csv.rows,
      invalid_rows: 0,
    });
    expect(result.loads).to.have.length(1);
    expect(result.loads[0]).to.include({
      key: `validated/${result.file.file_id}.csv`,
      size: csv.body.length,
    });
    expect(result.validatedSha256).to.equal(sha256(csv.body));
  });
});
