import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { referencedBy } from "../stackReferences";
import { known, unknownValue } from "../unknownValues";

/** The docker build platform each Lambda architecture needs. */
const platformOf: Readonly<Record<string, string>> = { arm64: "linux/arm64", x86_64: "linux/amd64" };

/** Lambda's default when a function names no architecture. */
const defaultArchitecture = "x86_64";

function architectureOf(fn: PolicyResource): string | typeof unknownValue {
  const architectures = known((): unknown => fn.props.architectures);
  if (architectures === unknownValue) return unknownValue;
  if (!Array.isArray(architectures) || architectures.length === 0) return defaultArchitecture;
  return known((): unknown => architectures[0]) === "arm64" ? "arm64" : defaultArchitecture;
}

/**
 * The platform the image is built for: `build.platform` as given (the docker provider keeps its
 * inputs in the state), else the provider's `platform` output.
 */
function platformOfImage(image: PolicyResource): string | undefined | typeof unknownValue {
  const requested = known((): unknown => (image.props.build as { platform?: unknown } | undefined)?.platform);
  if (requested === unknownValue || typeof requested === "string") return requested;
  const built = known((): unknown => image.props.platform);
  return built === unknownValue || typeof built === "string" ? built : undefined;
}

/** The `<repository>@sha256:…` reference a function runs the image by. */
function imageReference(image: PolicyResource): unknown {
  if (image.props.repoDigest !== undefined) return image.props.repoDigest;
  const name = image.props.name;
  const digest = image.props.sha256Digest;
  return typeof name === "string" && typeof digest === "string"
    ? `${name.split(":")[0]}@${digest}`
    : undefined;
}

/**
 * An image built for one CPU and run on another fails at the first invocation ("exec format
 * error"), long after `pulumi up` succeeded. The function and its image are two resources, so this
 * is a stack policy.
 */
export const imagePlatformMatchesArchitecture: StackValidationPolicy = {
  name: "image-platform-matches-lambda-architecture",
  description:
    "Each container Lambda's image is built for the function's architecture (arm64 ⇔ linux/arm64, x86_64 ⇔ linux/amd64).",
  validateStack: (args, reportViolation) => {
    const functions = args.resources.filter((resource) => resource.isType(aws.lambda.Function));
    const images = args.resources.filter(
      (resource) => resource.isType(docker.Image) || resource.isType(docker.RegistryImage),
    );
    if (functions.length === 0 || images.length === 0) {
      return args.notApplicable(
        "no Lambda function built from a docker.Image or docker.RegistryImage in this stack",
      );
    }
    for (const fn of functions) {
      const architecture = architectureOf(fn);
      if (architecture === unknownValue) continue;
      const expected = platformOf[architecture];
      for (const image of referencedBy(fn, "imageUri", images, imageReference)) {
        const given = platformOfImage(image);
        if (given === unknownValue) continue;
        // "linux/arm64/v8" names the same platform as "linux/arm64".
        const platform = given?.replace(/^linux\/arm64\/v8$/, "linux/arm64");
        if (platform === undefined) {
          reportViolation(
            `image "${image.name}" of Lambda function "${fn.name}" sets no build.platform; set "${expected}" for the function's ${architecture} architecture`,
            fn.urn,
          );
        } else if (platform !== expected) {
          reportViolation(
            `Lambda function "${fn.name}" runs on ${architecture} but its image "${image.name}" is built for ${platform}; build it for ${expected}`,
            fn.urn,
          );
        }
      }
    }
  },
};
