/**
 * A presigned upload over the S3 emulator's 11 MiB body limit, through local mode's real upload
 * path (tests/reliability/support/largeUpload.ts): taken in one PUT, validated and counted, and
 * handed whole to the loader. Rows are wide (a notes column) so that the file is large without
 * making this suite validate a hundred thousand rows; the 100 MB file of ordinary rows is in
 * `npm run test:reliability` (tests/reliability/largeUpload.test.ts).
 */
import { expect } from "chai";
import { largeCsv, sha256, uploadThroughLocalMode } from "../reliability/support/largeUpload";

describe("local mode: a presigned upload over the emulator's body limit", function () {
  this.timeout(180_000);

  it("takes a 12 MiB CSV in one PUT, validates every row and hands the whole file to the loader", async () => {
    // Prepare: just over 12 MiB, 11 MiB being where local uploads used to be refused.
    const csv = largeCsv("wide", 12 * 1024 ** 2, 400);

    // Act
    const result = await uploadThroughLocalMode(csv.body);

    // Assess
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
