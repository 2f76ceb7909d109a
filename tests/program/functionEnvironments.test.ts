/**
 * The program builds every function from the pipeline description: each deployed function's
 * environment holds exactly the variables its description names (no NODE_OPTIONS either: the
 * functions run without --enable-source-maps), so a variable added to the description reaches the
 * deployed function and one the description lacks is not set behind its back.
 *
 * What a mock test cannot prove: that the values are what the functions expect at run time; the
 * functions' configuration tests and the local runtime (which resolves the same descriptions)
 * cover that.
 */
import { expect } from "chai";
import { describeFunction, pipelineFunctionNames } from "../../pipeline";
import { installMocks, type MockRecorder } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";
import { project, stackFileConfig } from "../support/stackFileConfig";
import { loadStackConfig } from "../../stackConfig";

/** The Lambda function resource the program names after each function folder. */
const functionResourceNames: Record<string, string> = {
  archival: "archival-function",
  "screening-lists-refresh": "screening-lists-function",
};

for (const stack of ["dev", "prod"]) {
  describe(`the ${stack} stack's function environments`, function () {
    // The whole program under mocks: seconds on an idle machine, more on a busy one.
    this.timeout(120_000);

    let recorder: MockRecorder;

    before(async () => {
      recorder = await installMocks(`environments-${stack}`, stackFileConfig(stack), project);
      const { deployPipeline } = await import("../../program");
      deployPipeline("eu-west-1", loadStackConfig());
      await settledResources(recorder);
    });

    it("are exactly the variables each function's description names", () => {
      // Prepare
      const deployed = recorder.ofType("aws:lambda/function:Function");
      expect(deployed).to.have.length(pipelineFunctionNames.length);

      for (const folder of pipelineFunctionNames) {
        // Act
        const resourceName = functionResourceNames[folder] ?? `${folder}-function`;
        const fn = recorder.one("aws:lambda/function:Function", resourceName);
        const variables = Object.keys(
          (fn.inputs.environment as { variables: Record<string, string> } | undefined)?.variables ?? {},
        );

        // Assess
        const described = Object.keys(describeFunction(folder).environment).filter(
          // The refresh's list sources are optional; neither stack file sets them.
          (variable) => !(folder === "screening-lists-refresh" && variable === "SCREENING_LISTS_SOURCES"),
        );
        expect(variables, folder).to.have.members(described);
      }
    });
  });
}
