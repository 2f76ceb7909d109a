import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

/** `<repository>@sha256:<64 hex digits>`, the one reference that cannot move. */
const digestReference = /@sha256:[0-9a-f]{64}$/;

/**
 * Lambda resolves an image tag once, when the function is created or updated; a tag moved later
 * changes nothing that runs, and a re-push under the same tag never deploys.
 */
export const lambdaImageByDigest: ResourceValidationPolicy = {
  name: "lambda-image-by-digest",
  description: "Container Lambda functions reference their image by digest (@sha256:…), never by a tag.",
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, _args, reportViolation) => {
    if (fn.packageType !== "Image" && fn.imageUri === undefined) return;
    if (typeof fn.imageUri !== "string" || fn.imageUri === "") {
      reportViolation('packageType "Image" without an imageUri');
    } else if (!digestReference.test(fn.imageUri)) {
      reportViolation(
        `imageUri "${fn.imageUri}" is not pinned by digest: deploy "<repository>@sha256:<digest>" (the image's repoDigest), never a tag`,
      );
    }
  }),
};
