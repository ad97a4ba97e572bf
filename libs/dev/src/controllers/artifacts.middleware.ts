import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import express from 'express';
import { DEV_MODULE_OPTIONS, type DevModuleOptions } from '../dev-module.options';

type Handler = (request: unknown, response: unknown, next: () => void) => void;

/**
 * `/artifacts/*` serves ARTIFACTS_BASE read-only: generated code, compiler and test logs. Dot
 * folders are served too, since the logs live in `.logs/`; nothing outside the base is reachable.
 */
@Injectable()
export class ArtifactsMiddleware implements NestMiddleware {
  private readonly serve: Handler;

  constructor(@Inject(DEV_MODULE_OPTIONS) options: DevModuleOptions) {
    this.serve = express.static(options.artifactsBase, {
      dotfiles: 'allow',
      index: false,
      fallthrough: false,
      // Source files and logs are shown as text: `.ts` would otherwise be served as video (MPEG-TS).
      setHeaders: (response, path) => {
        if (!/\.(json|html?)$/.test(path)) response.setHeader('Content-Type', 'text/plain; charset=utf-8');
        response.setHeader('X-Content-Type-Options', 'nosniff');
      },
    }) as Handler;
  }

  use(request: { url: string; originalUrl: string }, response: unknown, next: () => void): void {
    request.url = request.originalUrl.replace(/^\/artifacts/, '') || '/';
    this.serve(request, response, next);
  }
}
