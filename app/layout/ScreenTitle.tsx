// The one h1 of a screen, drawn at the size the screens' titles always had. It takes the focus when the user
// has just moved to its screen (screen-focus.tsx).
import { Title, type TitleProps } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useScreenFocus } from './screen-focus.tsx';

export function ScreenTitle(props: Omit<TitleProps, 'order'>) {
  const focus = useScreenFocus();
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => (focus && title.current ? focus.titleShown(title.current) : undefined), [focus]);
  return <Title size="h2" {...props} order={1} tabIndex={-1} ref={title} />;
}
