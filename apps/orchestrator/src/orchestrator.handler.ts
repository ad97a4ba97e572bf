import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type ExecuteAccepted,
  ExecuteRequestDto,
  IntakeRequestDto,
  Patterns,
  type Plan,
  PlanRequestDto,
  type RunState,
  StateRequestDto,
  type TemplateInfo,
} from '@cogo/contracts';
import { TEMPLATES } from './planning/workflow-templates';
import { RunGateService } from './runs/run-gate.service';
import { PlanningService } from './planning/planning.service';
import { RunsService } from './runs/runs.service';

/** The orchestrator's bus API. */
@Controller()
export class OrchestratorHandler {
  constructor(
    private readonly planning: PlanningService,
    private readonly runs: RunsService,
    private readonly gates: RunGateService,
  ) {}

  @MessagePattern(Patterns.OrchestratorPlan)
  plan(@Payload() request: PlanRequestDto): Promise<Plan> {
    return this.planning.plan(request);
  }

  @MessagePattern(Patterns.OrchestratorExecute)
  execute(@Payload() request: ExecuteRequestDto): Promise<ExecuteAccepted> {
    return this.runs.execute(request);
  }

  @MessagePattern(Patterns.OrchestratorState)
  state(@Payload() request: StateRequestDto): Promise<RunState> {
    return this.runs.state(request.runId);
  }

  @MessagePattern(Patterns.OrchestratorTemplates)
  templates(): TemplateInfo[] {
    return Object.values(TEMPLATES).map((template) => ({
      name: template.name,
      description: template.description,
      input: template.input,
      steps: template.steps({}).map((step) => ({ name: step.name, capability: step.capability })),
    }));
  }

  @MessagePattern(Patterns.OrchestratorGate)
  gate(@Payload() request: StateRequestDto): Promise<unknown> {
    return this.gates.judge(request.runId);
  }

  @MessagePattern(Patterns.OrchestratorIntake)
  intake(@Payload() request: IntakeRequestDto): Promise<ExecuteAccepted> {
    return this.runs.intake(request);
  }
}
